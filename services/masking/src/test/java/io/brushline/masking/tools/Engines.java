package io.brushline.masking.tools;

import io.brushline.common.BrushlineConfig;
import io.brushline.common.models.ModelFiles;
import io.brushline.common.storage.ObjectStore;
import io.brushline.grounding.DetectorProducer;
import io.brushline.grounding.GroundingConfig;
import io.brushline.grounding.ObjectDetector;
import io.brushline.grounding.YoloxDetector;
import io.brushline.masking.MaskingConfig;
import io.brushline.masking.OfflineSegmenter;
import io.brushline.masking.Segmenter;
import io.brushline.masking.SegmenterProducer;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The engines the services would use, configured the same way (defaults, then system properties and
 * environment, e.g. {@code BRUSHLINE_MODELS_DIR} or {@code -Dbrushline.masking.refine=grabcut}).
 */
final class Engines {

    final GroundingConfig grounding;
    final MaskingConfig masking;
    private final ModelFiles models;

    Engines() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultSources()
                .addDefaultInterceptors()
                .withMapping(GroundingConfig.class)
                .withMapping(MaskingConfig.class)
                .withMapping(BrushlineConfig.class)
                .build();
        grounding = config.getConfigMapping(GroundingConfig.class);
        masking = config.getConfigMapping(MaskingConfig.class);
        BrushlineConfig shared = config.getConfigMapping(BrushlineConfig.class);
        models = new ModelFiles(new ObjectStore(shared), shared);
    }

    /** The detector the grounding service is configured with. */
    ObjectDetector configuredDetector() {
        return new DetectorProducer().detector(grounding, models);
    }

    /** The segmenter the masking service is configured with. */
    Segmenter configuredSegmenter() {
        return new SegmenterProducer().segmenter(masking, models);
    }

    /** YOLOX itself, for evaluations that ask for a COCO class directly. */
    YoloxDetector detector() {
        return new YoloxDetector(Path.of(grounding.yolox().model()), grounding.scoreThreshold(), grounding.nmsIou());
    }

    OfflineSegmenter segmenter(MaskingConfig.Refinement refinement) {
        Path deepLab = Path.of(masking.deeplab().model());
        return new OfflineSegmenter(refinement, Files.isRegularFile(deepLab) ? deepLab : null);
    }
}
