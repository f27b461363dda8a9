package io.brushline.grounding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.brushline.common.imaging.MatScope;
import java.nio.file.Path;
import java.util.Arrays;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.dnn.Dnn;
import org.opencv.dnn.Image2BlobParams;
import org.opencv.imgproc.Imgproc;

/**
 * Open-vocabulary detection with OWLv2 (google/owlv2-base-patch16-ensemble exported to TorchScript by
 * {@code tools/export/export_owlv2.py}), run by DJL's PyTorch engine. Java does everything around the
 * network: CLIP tokenising of the phrase, padding the image to a square (grey, bottom-right) and
 * resizing it to the model's input side, CLIP normalisation, sigmoid scores, threshold, NMS, and mapping
 * the normalised boxes back to source pixels.
 *
 * <p>Model signature: {@code forward(input_ids [Q,16] int64, attention_mask [Q,16] int64,
 * pixel_values [1,3,S,S] float) -> (logits [1,P,Q], pred_boxes [1,P,4])}, boxes as normalised
 * (cx, cy, w, h) of the padded square.
 */
public final class Owlv2Detector implements ObjectDetector {

    /** OWL-ViT/OWLv2 text length; shorter queries are padded with the pad token, id 0. */
    static final int TEXT_LENGTH = 16;
    private static final int PAD_ID = 0;
    private static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};
    /** OWLv2 pads to a square with grey (0.5 after rescaling to 0..1). */
    private static final double PAD_GREY = 127.5;

    private final ZooModel<NDList, NDList> model;
    private final HuggingFaceTokenizer tokenizer;
    private final int imageSize;
    private final double scoreThreshold;
    private final double nmsIou;

    public Owlv2Detector(Path modelFile, Path tokenizerFile, int imageSize, double scoreThreshold, double nmsIou) {
        this.imageSize = imageSize;
        this.scoreThreshold = scoreThreshold;
        this.nmsIou = nmsIou;
        var loaded = TextPromptedModel.load("OWLv2", modelFile, tokenizerFile, "export_owlv2.py");
        this.model = loaded.model();
        this.tokenizer = loaded.tokenizer();
    }

    @Override
    public DetectionOutcome detect(Mat image, String phrase) {
        String query = ObjectPhrase.withoutDeterminers(phrase);
        long[][] tokens = tokens(query);
        float[] pixels = pixelValues(image, imageSize);
        try (NDManager manager = model.getNDManager().newSubManager();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList output = predictor.predict(new NDList(
                    manager.create(tokens[0], new Shape(1, TEXT_LENGTH)),
                    manager.create(tokens[1], new Shape(1, TEXT_LENGTH)),
                    manager.create(pixels, new Shape(1, 3, imageSize, imageSize))));
            return decode(output.get(0).toFloatArray(), output.get(1).toFloatArray(), 1, 0, query, image.cols(),
                    image.rows(), scoreThreshold, nmsIou, ObjectPhrase.asksForAll(phrase));
        } catch (TranslateException e) {
            throw new IllegalStateException("OWLv2 inference failed: " + e.getMessage(), e);
        }
    }

    /** OWLv2 has no class list: it is asked for "an object", which favours whole, salient things. */
    @Override
    public DetectionOutcome detectAny(Mat image) {
        DetectionOutcome outcome = detect(image, "an object");
        return new DetectionOutcome(outcome.detections(), outcome.bestScore(), outcome.threshold(), true);
    }

    /** Token ids and attention mask, padded or cut to {@link #TEXT_LENGTH} (a cut keeps the end token). */
    long[][] tokens(String text) {
        Encoding encoding = tokenizer.encode(text);
        long[] ids = Arrays.copyOf(encoding.getIds(), TEXT_LENGTH);
        long[] mask = Arrays.copyOf(encoding.getAttentionMask(), TEXT_LENGTH);
        int length = encoding.getIds().length;
        if (length > TEXT_LENGTH) {
            ids[TEXT_LENGTH - 1] = encoding.getIds()[length - 1];
        }
        for (int i = Math.min(length, TEXT_LENGTH); i < TEXT_LENGTH; i++) {
            ids[i] = PAD_ID;
            mask[i] = 0;
        }
        return new long[][] {ids, mask};
    }

    /**
     * The image padded to a grey square at the bottom-right, resized to {@code side}, CLIP-normalised RGB,
     * as transformers' Owlv2ImageProcessor does: the grey is exactly 0.5 (127.5 of 255, so the padding is
     * done in float), and a downscale first smooths with a Gaussian of sigma (factor - 1) / 2 (scipy's
     * "mirror" border is OpenCV's BORDER_REFLECT_101), then samples linearly at pixel centres.
     */
    static float[] pixelValues(Mat bgr, int side) {
        int square = Math.max(bgr.cols(), bgr.rows());
        try (MatScope scope = new MatScope()) {
            Mat image = scope.mat();
            bgr.convertTo(image, CvType.CV_32FC3);
            Mat padded = scope.mat();
            Core.copyMakeBorder(image, padded, 0, square - bgr.rows(), 0, square - bgr.cols(),
                    Core.BORDER_CONSTANT, new Scalar(PAD_GREY, PAD_GREY, PAD_GREY));
            double sigma = ((double) square / side - 1) / 2;
            if (sigma > 0) {
                // scipy's gaussian_filter truncates the kernel at 4 sigma
                int radius = (int) (4 * sigma + 0.5);
                Imgproc.GaussianBlur(padded, padded, new Size(2 * radius + 1, 2 * radius + 1), sigma, sigma,
                        Core.BORDER_REFLECT_101);
            }
            Mat resized = scope.mat();
            Imgproc.resize(padded, resized, new Size(side, side), 0, 0, Imgproc.INTER_LINEAR);
            // (x - 255 mean) / (255 std) per channel, after swapping BGR to RGB
            var params = new Image2BlobParams(
                    new Scalar(1 / (255 * CLIP_STD[0]), 1 / (255 * CLIP_STD[1]), 1 / (255 * CLIP_STD[2])),
                    new Size(side, side),
                    new Scalar(255 * CLIP_MEAN[0], 255 * CLIP_MEAN[1], 255 * CLIP_MEAN[2]),
                    true, CvType.CV_32F);
            return Blobs.nchw(scope.add(Dnn.blobFromImageWithParams(resized, params)));
        }
    }

    /**
     * Scores and boxes of one query, as source-pixel detections.
     *
     * @param logits [P, queries] per patch
     * @param boxes [P, 4] normalised (cx, cy, w, h) of the padded square, whose side is the image's longer side
     */
    static DetectionOutcome decode(float[] logits, float[] boxes, int queries, int query, String label, int width,
            int height, double threshold, double nmsIou, boolean allInstances) {
        int side = Math.max(width, height);
        return QueryDetections.decode(p -> logits[p * queries + query], boxes, side, side, label, width, height,
                threshold, nmsIou, allInstances);
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
