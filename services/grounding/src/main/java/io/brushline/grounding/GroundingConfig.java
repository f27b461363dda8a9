package io.brushline.grounding;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the grounding stage finds objects: which detector, its model files and its thresholds. */
@ConfigMapping(prefix = "brushline.grounding")
public interface GroundingConfig {

    /** {@code yolox} (offline, 80 COCO classes). */
    @WithDefault("yolox")
    DetectorKind detector();

    /** Detections scoring below this are not the object; the best score seen is reported instead. */
    @WithDefault("0.3")
    double scoreThreshold();

    /** Boxes overlapping a better one by more than this IoU are the same instance. */
    @WithDefault("0.45")
    double nmsIou();

    Yolox yolox();

    interface Yolox {
        /** The YOLOX-nano ONNX file. */
        @WithDefault("${BRUSHLINE_MODELS_DIR:models}/yolox_nano.onnx")
        String model();
    }

    enum DetectorKind {
        yolox
    }
}
