package io.brushline.grounding;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the grounding stage finds objects: which detector, its model files and its thresholds. */
@ConfigMapping(prefix = "brushline.grounding")
public interface GroundingConfig {

    /**
     * {@code yolox} (offline, 80 COCO classes), or the open-vocabulary TorchScript detectors
     * {@code owlv2} and {@code grounding-dino}.
     */
    @WithDefault("yolox")
    DetectorKind detector();

    /**
     * YOLOX detections scoring below this are not the object; the best score seen is reported instead.
     * OWLv2 has its own threshold: its sigmoid scores run lower.
     */
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

    Owlv2 owlv2();

    interface Owlv2 {
        /** The TorchScript file made by tools/export/export_owlv2.py. */
        @WithDefault("${BRUSHLINE_MODELS_DIR:models}/owlv2.pt")
        String model();

        /** The CLIP tokenizer.json the export script saves next to it. */
        @WithDefault("${BRUSHLINE_MODELS_DIR:models}/owlv2-tokenizer.json")
        String tokenizer();

        /** The square input side the model was exported for (960 for owlv2-base-patch16). */
        @WithDefault("960")
        int imageSize();

        @WithDefault("0.1")
        double scoreThreshold();
    }

    GroundingDino groundingDino();

    interface GroundingDino {
        /** The TorchScript file made by tools/export/export_grounding_dino.py. */
        @WithDefault("${BRUSHLINE_MODELS_DIR:models}/grounding-dino.pt")
        String model();

        /** The BERT tokenizer.json the export script saves next to it. */
        @WithDefault("${BRUSHLINE_MODELS_DIR:models}/grounding-dino-tokenizer.json")
        String tokenizer();

        @WithDefault("800")
        int shortSide();

        @WithDefault("1333")
        int maxSide();

        /** GroundingDINO's customary box threshold. */
        @WithDefault("0.35")
        double scoreThreshold();
    }

    enum DetectorKind {
        yolox,
        owlv2,
        grounding_dino
    }
}
