package io.brushline.inpainting;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Category;
import io.brushline.common.observability.StageMetrics;
import io.brushline.inpainting.diffusion.BrushNetPainter;
import io.brushline.inpainting.diffusion.InstructPix2PixPainter;
import io.brushline.inpainting.diffusion.ModelDevice;
import io.brushline.inpainting.diffusion.Sampling;
import io.brushline.inpainting.diffusion.SdInpaintingPainter;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Builds the painters the configuration asks for, once, at start-up. */
@ApplicationScoped
public class PainterSetup {

    private static final Logger LOG = Logger.getLogger(PainterSetup.class);

    private final List<AutoCloseable> resources = new ArrayList<>();

    /** Eager, so that a missing or broken model stops the service at start-up rather than failing jobs. */
    @Produces
    @ApplicationScoped
    @Startup
    PaintingService paintingService(InpaintingConfig config, StageMetrics metrics) {
        ImageCodec.init();
        Map<Category, PainterChoice> choices = new EnumMap<>(Category.class);
        var painter = config.painter();
        choices.put(Category.LOCAL, painter.local());
        choices.put(Category.REMOVE, painter.remove());
        choices.put(Category.BACKGROUND, painter.background());
        choices.put(Category.ADD, painter.add());
        choices.put(Category.GLOBAL, painter.global());
        Painter classical = new ClassicalFill(config.classical().method(), config.classical().radius(),
                config.classical().maxSide());
        if (config.benchmarkServiceTime().isPresent()) {
            LOG.warnf("BENCHMARK MODE: every job takes %s and is returned unchanged", config.benchmarkServiceTime().get());
            classical = new FixedServiceTimePainter(config.benchmarkServiceTime().get());
            choices.replaceAll((category, choice) -> PainterChoice.CLASSICAL);
        }
        Optional<Painter> inpainting = config.diffusion().modelDir().map(dir -> keep(switch (config.diffusion()
                .architecture()) {
            case SD_INPAINTING -> new SdInpaintingPainter(dir, device(config), sampling(config.diffusion()));
            case BRUSHNET -> new BrushNetPainter(dir, device(config), sampling(config.diffusion()),
                    config.diffusion().brushnetConditioningScale());
        }));
        Optional<Painter> instruction = config.instruction().modelDir().map(dir -> keep(new InstructPix2PixPainter(
                dir, device(config), sampling(config.instruction()), config.instruction().imageGuidanceScale())));
        inpainting.ifPresent(p -> LOG.infof("inpainting model: %s from %s", p.name(), config.diffusion().modelDir().get()));
        instruction.ifPresent(p -> LOG.infof("instruction model: %s from %s", p.name(),
                config.instruction().modelDir().get()));
        PaintBatcher batcher = keep(new PaintBatcher(config.batch().maxSize(), config.batch().maxWait(),
                metrics::paintBatch));
        return new PaintingService(new PainterRegistry(choices, classical, inpainting, instruction), batcher);
    }

    void close(@Disposes PaintingService service) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warnf("closing %s: %s", resource, e);
            }
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    private static Sampling sampling(InpaintingConfig.Generative settings) {
        return new Sampling(settings.steps(), settings.scheduler(), settings.guidanceScale(), settings.longSide());
    }

    private static ModelDevice device(InpaintingConfig config) {
        // Without this, libtorch re-optimises the graph for every new input shape, slowly.
        System.getProperties().putIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
        Device device = switch (config.device()) {
            case CPU -> Device.cpu();
            case GPU -> Device.gpu();
            case AUTO -> Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        };
        return ModelDevice.of(device, config.dtype());
    }
}
