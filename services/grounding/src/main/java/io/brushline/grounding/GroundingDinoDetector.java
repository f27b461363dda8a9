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
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import java.io.IOException;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.dnn.Dnn;
import org.opencv.dnn.Image2BlobParams;

/**
 * Open-vocabulary detection with GroundingDINO (IDEA-Research/grounding-dino-tiny exported to
 * TorchScript by {@code tools/export/export_grounding_dino.py}), run by DJL's PyTorch engine. The
 * phrase becomes a caption ending in " ." (the model's convention), BERT-tokenised; the image keeps
 * its aspect ratio with the short side at 800 and the long side at most 1333, ImageNet-normalised. A
 * query's score is its best sigmoid logit over the phrase's own tokens (not the special tokens or the
 * final dot); boxes are normalised (cx, cy, w, h) of the image.
 *
 * <p>Model signature: {@code forward(pixel_values [1,3,H,W], input_ids [1,T], attention_mask [1,T],
 * token_type_ids [1,T]) -> (logits [1,Q,T'], pred_boxes [1,Q,4])} with T' >= T (the real model pads
 * its text axis to 256).
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
        var params = new Image2BlobParams(new Scalar(1 / (255 * STD[0]), 1 / (255 * STD[1]), 1 / (255 * STD[2])),
                size, new Scalar(255 * MEAN[0], 255 * MEAN[1], 255 * MEAN[2]), true, CvType.CV_32F);
        float[] pixels = Blobs.nchw(Dnn.blobFromImageWithParams(image, params));
        int length = caption.ids().length;
        try (NDManager manager = model.getNDManager().newSubManager();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList output = predictor.predict(new NDList(
                    manager.create(pixels, new Shape(1, 3, (long) size.height, (long) size.width)),
                    manager.create(caption.ids(), new Shape(1, length)),
                    manager.create(caption.attention(), new Shape(1, length)),
                    manager.create(caption.typeIds(), new Shape(1, length))));
            NDArray logits = output.get(0);
            return decode(logits.toFloatArray(), (int) logits.getShape().get(2), caption.phraseTokens(),
                    output.get(1).toFloatArray(), text, image.cols(), image.rows(), scoreThreshold, nmsIou,
                    ObjectPhrase.asksForAll(phrase));
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

    /** The tokens of "{text} ." and which of them are the phrase's own words. */
    record Caption(long[] ids, long[] attention, long[] typeIds, int[] phraseTokens) {
    }

    Caption caption(String text) {
        Encoding encoding = tokenizer.encode(text + " .");
        String[] tokens = encoding.getTokens();
        long[] special = encoding.getSpecialTokenMask();
        List<Integer> phrase = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            if (special[i] == 0 && !tokens[i].equals(".")) {
                phrase.add(i);
            }
        }
        return new Caption(encoding.getIds(), encoding.getAttentionMask(), encoding.getTypeIds(),
                phrase.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Short side to {@code shortSide} unless that makes the long side exceed {@code maxSide}. */
    static Size inputSize(int width, int height, int shortSide, int maxSide) {
        double scale = Math.min((double) shortSide / Math.min(width, height),
                (double) maxSide / Math.max(width, height));
        return new Size(Math.round(width * scale), Math.round(height * scale));
    }

    /**
     * @param logits [Q, textLength] per query and token
     * @param phraseTokens the token positions whose best logit is the query's score
     * @param boxes [Q, 4] normalised (cx, cy, w, h) of the image
     */
    static DetectionOutcome decode(float[] logits, int textLength, int[] phraseTokens, float[] boxes, String label,
            int width, int height, double threshold, double nmsIou, boolean allInstances) {
        int queries = boxes.length / 4;
        List<Detection> candidates = new ArrayList<>();
        double best = 0;
        for (int q = 0; q < queries; q++) {
            double logit = Double.NEGATIVE_INFINITY;
            for (int t : phraseTokens) {
                logit = Math.max(logit, logits[q * textLength + t]);
            }
            double score = 1 / (1 + Math.exp(-logit));
            best = Math.max(best, score);
            if (score < threshold) {
                continue;
            }
            double cx = boxes[q * 4] * width;
            double cy = boxes[q * 4 + 1] * height;
            double w = boxes[q * 4 + 2] * width;
            double h = boxes[q * 4 + 3] * height;
            Box box = Boxes.clipped(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, width, height);
            if (box != null) {
                candidates.add(new Detection(box, label, score));
            }
        }
        return new DetectionOutcome(NonMaxSuppression.apply(candidates, nmsIou), best, threshold, allInstances);
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
