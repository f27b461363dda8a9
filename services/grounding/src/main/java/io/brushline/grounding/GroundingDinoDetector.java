package io.brushline.grounding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.brushline.common.imaging.MatScope;
import io.brushline.common.imaging.PilResize;
import java.nio.file.Path;
import java.util.function.IntToDoubleFunction;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.dnn.Dnn;
import org.opencv.dnn.Image2BlobParams;

/**
 * Open-vocabulary detection with GroundingDINO (IDEA-Research/grounding-dino-tiny exported to
 * TorchScript by {@code tools/export/export_grounding_dino.py}), run by DJL's PyTorch engine. The
 * preprocessing and scoring follow transformers' GroundingDinoProcessor and its
 * {@code post_process_grounded_object_detection}: the phrase becomes a caption ending in " ." (the
 * model's convention), BERT-tokenised; the image keeps its aspect ratio with the short side at 800 and
 * the long side at most 1333 (the computed side truncated, as the reference does), resized like Pillow's
 * bilinear filter, ImageNet-normalised. A query's score is its best sigmoid logit over every text
 * position, special tokens and the final dot included (that is the score the customary 0.35 threshold
 * is set for); boxes are normalised (cx, cy, w, h) of the image.
 *
 * <p>Model signature: {@code forward(pixel_values [1,3,H,W], input_ids [1,T], attention_mask [1,T],
 * token_type_ids [1,T]) -> (logits [1,Q,T'], pred_boxes [1,Q,4])} with T' >= T (the real model pads
 * its text axis to 256 with -inf).
 */
public final class GroundingDinoDetector implements ObjectDetector {

    private static final double[] MEAN = {0.485, 0.456, 0.406};
    private static final double[] STD = {0.229, 0.224, 0.225};

    private final ZooModel<NDList, NDList> model;
    private final HuggingFaceTokenizer tokenizer;
    private final int shortSide;
    private final int maxSide;
    private final double scoreThreshold;
    private final double nmsIou;

    public GroundingDinoDetector(Path modelFile, Path tokenizerFile, int shortSide, int maxSide,
            double scoreThreshold, double nmsIou) {
        this.shortSide = shortSide;
        this.maxSide = maxSide;
        this.scoreThreshold = scoreThreshold;
        this.nmsIou = nmsIou;
        var loaded = TextPromptedModel.load("GroundingDINO", modelFile, tokenizerFile, "export_grounding_dino.py");
        this.model = loaded.model();
        this.tokenizer = loaded.tokenizer();
    }

    @Override
    public DetectionOutcome detect(Mat image, String phrase) {
        String text = ObjectPhrase.withoutDeterminers(phrase);
        Caption caption = caption(text);
        Size size = inputSize(image.cols(), image.rows(), shortSide, maxSide);
        float[] pixels = pixelValues(image, size);
        int length = caption.ids().length;
        try (NDManager manager = model.getNDManager().newSubManager();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList output = predictor.predict(new NDList(
                    manager.create(pixels, new Shape(1, 3, (long) size.height, (long) size.width)),
                    manager.create(caption.ids(), new Shape(1, length)),
                    manager.create(caption.attention(), new Shape(1, length)),
                    manager.create(caption.typeIds(), new Shape(1, length))));
            NDArray logits = output.get(0);
            return decode(logits.toFloatArray(), (int) logits.getShape().get(2), output.get(1).toFloatArray(), text,
                    image.cols(), image.rows(), scoreThreshold, nmsIou, ObjectPhrase.asksForAll(phrase));
        } catch (TranslateException e) {
            throw new IllegalStateException("GroundingDINO inference failed: " + e.getMessage(), e);
        }
    }

    /** GroundingDINO has no class list: it is asked for "object", which favours whole, salient things. */
    @Override
    public DetectionOutcome detectAny(Mat image) {
        DetectionOutcome outcome = detect(image, "object");
        return new DetectionOutcome(outcome.detections(), outcome.bestScore(), outcome.threshold(), true);
    }

    /** The tokens of "{text} .". */
    record Caption(long[] ids, long[] attention, long[] typeIds) {
    }

    Caption caption(String text) {
        Encoding encoding = tokenizer.encode(text + " .");
        return new Caption(encoding.getIds(), encoding.getAttentionMask(), encoding.getTypeIds());
    }

    /**
     * Short side to {@code shortSide} unless that makes the long side exceed {@code maxSide}, in which
     * case the short side becomes the rounded {@code maxSide * short / long}; the other side is then
     * truncated, as transformers' DETR-family processors compute it.
     */
    static Size inputSize(int width, int height, int shortSide, int maxSide) {
        int shorter = Math.min(width, height);
        int longer = Math.max(width, height);
        int side = shortSide;
        if ((double) longer / shorter * side > maxSide) {
            // Python's round: half to even
            side = (int) Math.rint((double) maxSide * shorter / longer);
        }
        if (shorter == side) {
            return new Size(width, height);
        }
        return width < height
                ? new Size(side, (int) ((double) side * height / width))
                : new Size((int) ((double) side * width / height), side);
    }

    /** RGB, resized to {@code size} as Pillow's bilinear filter does, ImageNet-normalised, NCHW. */
    static float[] pixelValues(Mat bgr, Size size) {
        try (MatScope scope = new MatScope()) {
            Mat resized = scope.add(
                    PilResize.resize(bgr, (int) size.width, (int) size.height, PilResize.Filter.BILINEAR));
            var params = new Image2BlobParams(
                    new Scalar(1 / (255 * STD[0]), 1 / (255 * STD[1]), 1 / (255 * STD[2])), size,
                    new Scalar(255 * MEAN[0], 255 * MEAN[1], 255 * MEAN[2]), true, CvType.CV_32F);
            return Blobs.nchw(scope.add(Dnn.blobFromImageWithParams(resized, params)));
        }
    }

    /**
     * @param logits [Q, textLength] per query and text position; the best one is the query's score
     * @param boxes [Q, 4] normalised (cx, cy, w, h) of the image
     */
    static DetectionOutcome decode(float[] logits, int textLength, float[] boxes, String label,
            int width, int height, double threshold, double nmsIou, boolean allInstances) {
        IntToDoubleFunction bestLogit = q -> {
            double logit = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < textLength; t++) {
                logit = Math.max(logit, logits[q * textLength + t]);
            }
            return logit;
        };
        return QueryDetections.decode(bestLogit, boxes, width, height, label, width, height, threshold, nmsIou,
                allInstances);
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
