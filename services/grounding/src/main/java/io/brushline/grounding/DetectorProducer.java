package io.brushline.grounding;

import io.brushline.common.models.ModelFiles;
import io.brushline.embedding.SentenceEmbedder;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/**
 * Loads the configured detector once, at start-up (model files fetched and checked by {@link ModelFiles}),
 * so that a missing or damaged model fails the service early.
 */
@ApplicationScoped
public class DetectorProducer {

    @Produces
    @Singleton
    @Startup
    public ObjectDetector detector(GroundingConfig config, ModelFiles models) {
        // ONNX Runtime needs no fallback engine for these models; without this DJL also loads libtorch
        // at start-up (seconds and a few hundred MB), which only the TorchScript engines use.
        String noFallback = "ai.djl.onnx.disable_alternative";
        System.setProperty(noFallback, System.getProperty(noFallback, "true"));
        return switch (config.detector()) {
            case yolox -> new YoloxDetector(models.resolve(Path.of(config.yolox().model())), config.scoreThreshold(),
                    config.nmsIou(), new ClassMatcher(SentenceEmbedder.load(1)));
            case owlv2 -> new Owlv2Detector(models.resolve(Path.of(config.owlv2().model())),
                    models.resolve(Path.of(config.owlv2().tokenizer())), config.owlv2().imageSize(),
                    config.owlv2().scoreThreshold(), config.nmsIou());
            case grounding_dino -> new GroundingDinoDetector(models.resolve(Path.of(config.groundingDino().model())),
                    models.resolve(Path.of(config.groundingDino().tokenizer())), config.groundingDino().shortSide(),
                    config.groundingDino().maxSide(), config.groundingDino().scoreThreshold(), config.nmsIou());
        };
    }

    void close(@Disposes ObjectDetector detector) {
        detector.close();
    }
}
