package io.brushline.masking;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How boxes become masks and how much each category's mask is grown before painting. */
@ConfigMapping(prefix = "brushline.masking")
public interface MaskingConfig {

    /** {@code offline} (the refinement below) or {@code sam} (Segment Anything, TorchScript). */
    @WithDefault("offline")
    SegmenterKind segmenter();

    Sam sam();

    interface Sam {
        /** The image encoder made by tools/export/export_sam.py. */
        @WithDefault("${BRUSHLINE_MODELS_DIR:models}/sam-encoder.pt")
        String encoder();

        /** The prompt decoder made by tools/export/export_sam.py. */
        @WithDefault("${BRUSHLINE_MODELS_DIR:models}/sam-decoder.pt")
        String decoder();

        /** The square input side the encoder was exported for (1024 for every SAM checkpoint). */
        @WithDefault("1024")
        int imageSize();
    }

    /**
     * With the offline segmenter, how a box becomes an object mask: {@code auto} (DeepLabV3 for the
     * 20 VOC classes when its model file is present, GrabCut otherwise), {@code grabcut}, or
     * {@code box} (the box itself).
     */
    @WithDefault("auto")
    Refinement refine();

    DeepLab deeplab();

    Dilation dilation();

    /** Width of the soft edge the painter blends over, inside the stored mask (reported in MaskRef). */
    @WithDefault("8")
    int featherPx();

    interface DeepLab {
        /** The DeepLabV3 MobileNetV2 PASCAL VOC ONNX file. */
        @WithDefault("${BRUSHLINE_MODELS_DIR:models}/deeplabv3_mobilenetv2_voc.onnx")
        String model();
    }

    /** Pixels the mask grows by, per category: an edit should cover the object's edge and its shadow. */
    interface Dilation {
        @WithDefault("8")
        int local();

        /** Larger, so that no outline or shadow of the removed object is left behind. */
        @WithDefault("16")
        int remove();

        /** Applied to the inverted mask: the new background reaches slightly into the subject's edge. */
        @WithDefault("3")
        int background();

        @WithDefault("0")
        int add();
    }

    enum SegmenterKind {
        offline,
        sam
    }

    enum Refinement {
        auto,
        grabcut,
        box
    }
}
