package io.brushline.masking;

import io.brushline.common.models.ModelFiles;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Loads the configured segmenter once, at start-up. */
@ApplicationScoped
public class SegmenterProducer {

    private static final Logger LOG = Logger.getLogger(SegmenterProducer.class);

    @Produces
    @Singleton
    @Startup
    public Segmenter segmenter(MaskingConfig config, ModelFiles models) {
        // ONNX Runtime needs no fallback engine for these models; without this DJL also loads libtorch
        // at start-up (seconds and a few hundred MB), which only the TorchScript engines use.
        String noFallback = "ai.djl.onnx.disable_alternative";
        System.setProperty(noFallback, System.getProperty(noFallback, "true"));
        if (config.segmenter() == MaskingConfig.SegmenterKind.sam) {
            return new SamSegmenter(models.resolve(Path.of(config.sam().encoder())),
                    models.resolve(Path.of(config.sam().decoder())), config.sam().imageSize());
        }
        Path configured = Path.of(config.deeplab().model());
        Optional<Path> deepLab = config.refine() == MaskingConfig.Refinement.auto
                ? models.resolveIfPresent(configured) : Optional.of(configured);
        if (deepLab.isEmpty()) {
            // GrabCut needs no model: masks stay usable, only VOC-class edges are a little rougher.
            LOG.warnf("DeepLabV3 model %s not found; refining every box with GrabCut", configured.toAbsolutePath());
            return new OfflineSegmenter(config.refine(), null);
        }
        return new OfflineSegmenter(config.refine(), deepLab.get());
    }

    void close(@Disposes Segmenter segmenter) {
        segmenter.close();
    }
}
