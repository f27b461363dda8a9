package io.brushline.grounding;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Detection;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.dnn.Dnn;
import org.opencv.imgproc.Imgproc;

/**
 * The offline detector: YOLOX-nano trained on the 80 COCO classes, run by ONNX Runtime through DJL.
 * The phrase is mapped to a class by {@link ClassMatcher} (by name, else by meaning), or by name only
 * ({@link CocoVocabulary}) when no matcher is given; phrases outside the 80 classes are refused with a
 * reason instead of being guessed.
 *
 * <p>Model I/O: input {@code images} [1,3,416,416] BGR 0..255, letterboxed into the top-left corner
 * with padding 114; output [1,3549,85] per anchor (3 strides 8/16/32): box offsets (cx, cy in grid
 * cells, log w, log h), objectness and 80 class probabilities.
 */
public final class YoloxDetector implements ObjectDetector {

    static final int INPUT_SIZE = 416;
    private static final int[] STRIDES = {8, 16, 32};
    private static final double PAD_VALUE = 114;
    private static final int VALUES_PER_ANCHOR = 5 + CocoVocabulary.CLASSES.size();
    /** Images smaller than this are seen at full resolution already; tiling them gains nothing. */
    private static final int TILING_MIN_SIDE = INPUT_SIZE * 3 / 2;

    private final ZooModel<NDList, NDList> model;
    private final double scoreThreshold;
    private final double nmsIou;
    private final ClassMatcher matcher;

    /** Classes by name only ("dog", "cars"). */
    public YoloxDetector(Path modelFile, double scoreThreshold, double nmsIou) {
        this(modelFile, scoreThreshold, nmsIou, null);
    }

    public YoloxDetector(Path modelFile, double scoreThreshold, double nmsIou, ClassMatcher matcher) {
        this.matcher = matcher;
        if (!Files.isRegularFile(modelFile)) {
            throw new IllegalStateException("YOLOX model not found at " + modelFile.toAbsolutePath()
                    + " (set brushline.grounding.yolox.model or BRUSHLINE_MODELS_DIR)");
        }
        this.scoreThreshold = scoreThreshold;
        this.nmsIou = nmsIou;
        try {
            this.model = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(modelFile)
                    .optEngine("OnnxRuntime")
                    .optTranslator(new NoopTranslator())
                    .build()
                    .loadModel();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelFile, e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("cannot load the YOLOX model " + modelFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String lookedForAs(String phrase) {
        return query(phrase).className();
    }

    @Override
    public DetectionOutcome detect(Mat image, String phrase) {
        return detectClass(image, query(phrase));
    }

    /** The class a phrase stands for: by name or meaning with a matcher, by name only without one. */
    private CocoVocabulary.Query query(String phrase) {
        if (matcher != null) {
            return matcher.resolve(phrase);
        }
        return CocoVocabulary.lookup(phrase).orElseThrow(() -> new StageFailure(
                FailureCodes.UNKNOWN_OBJECT_CLASS,
                "the offline detector does not know '" + phrase + "'; it recognises the 80 COCO classes such as "
                        + CocoVocabulary.examples() + " (an open-vocabulary detector can be configured with "
                        + "brushline.grounding.detector=owlv2, or give a box or mask hint)"));
    }

    /** All instances of one COCO class, ranked; used directly by the evaluation. */
    public DetectionOutcome detectClass(Mat image, CocoVocabulary.Query query) {
        return detect(image, OptionalInt.of(query.classIndex()), query.allInstances());
    }

    /** Every confident object of any class, each labelled with its most likely class. */
    @Override
    public DetectionOutcome detectAny(Mat image) {
        return detect(image, OptionalInt.empty(), true);
    }

    /**
     * The whole image first; when that finds nothing, the image again as overlapping tiles, each
     * seen at the network's full input size. A 416-pixel network sees a boat 40 pixels high in a
     * 640-pixel photo as 26 pixels; the tiles double that. This is a closer look, not a lower bar:
     * the threshold stays the same.
     */
    private DetectionOutcome detect(Mat image, OptionalInt classIndex, boolean allInstances) {
        List<Detection> candidates = new ArrayList<>();
        double best = detectIn(image, new Rect(0, 0, image.cols(), image.rows()), classIndex, candidates);
        if (candidates.isEmpty() && Math.max(image.cols(), image.rows()) >= TILING_MIN_SIDE) {
            for (Rect tile : tiles(image.cols(), image.rows())) {
                best = Math.max(best, detectIn(image, tile, classIndex, candidates));
            }
        }
        return new DetectionOutcome(NonMaxSuppression.apply(candidates, nmsIou), best, scoreThreshold, allInstances);
    }

    /** A 2x2 grid of tiles overlapping by a quarter of their size, so an object cut by one edge is whole in another. */
    static List<Rect> tiles(int width, int height) {
        int tileW = (int) Math.ceil(width / 1.75);
        int tileH = (int) Math.ceil(height / 1.75);
        List<Rect> tiles = new ArrayList<>();
        for (int y : new int[] {0, height - tileH}) {
            for (int x : new int[] {0, width - tileW}) {
                tiles.add(new Rect(x, y, tileW, tileH));
            }
        }
        return tiles;
    }

    /**
     * Adds the detections above the threshold in one region of the image (in image pixels) to
     * {@code candidates}; returns the best score seen.
     *
     * @param classIndex the class to score, or empty for each anchor's most likely class
     */
    private double detectIn(Mat image, Rect region, OptionalInt classIndex, List<Detection> candidates) {
        double scale = Math.min((double) INPUT_SIZE / region.width, (double) INPUT_SIZE / region.height);
        float[] input;
        try (MatScope scope = new MatScope()) {
            input = letterbox(scope.add(image.submat(region)), scale);
        }
        float[] output = infer(input);
        double best = 0;
        int anchor = 0;
        for (int stride : STRIDES) {
            int cells = INPUT_SIZE / stride;
            for (int gy = 0; gy < cells; gy++) {
                for (int gx = 0; gx < cells; gx++, anchor++) {
                    int o = anchor * VALUES_PER_ANCHOR;
                    int c = classIndex.orElseGet(() -> mostLikelyClass(output, o));
                    double score = output[o + 4] * output[o + 5 + c];
                    best = Math.max(best, score);
                    if (score < scoreThreshold) {
                        continue;
                    }
                    double cx = (output[o] + gx) * stride;
                    double cy = (output[o + 1] + gy) * stride;
                    double w = Math.exp(output[o + 2]) * stride;
                    double h = Math.exp(output[o + 3]) * stride;
                    var box = Boxes.clipped(region.x + (cx - w / 2) / scale, region.y + (cy - h / 2) / scale,
                            region.x + (cx + w / 2) / scale, region.y + (cy + h / 2) / scale, image.cols(),
                            image.rows());
                    if (box != null) {
                        candidates.add(new Detection(box, CocoVocabulary.CLASSES.get(c), score));
                    }
                }
            }
        }
        return best;
    }

    private static int mostLikelyClass(float[] output, int offset) {
        int best = 0;
        for (int c = 1; c < CocoVocabulary.CLASSES.size(); c++) {
            if (output[offset + 5 + c] > output[offset + 5 + best]) {
                best = c;
            }
        }
        return best;
    }

    /** The image resized by {@code scale} into the top-left corner of a 416x416 canvas, as CHW floats. */
    static float[] letterbox(Mat image, double scale) {
        try (MatScope scope = new MatScope()) {
            Mat canvas = scope.add(
                    new Mat(INPUT_SIZE, INPUT_SIZE, image.type(), new Scalar(PAD_VALUE, PAD_VALUE, PAD_VALUE)));
            Mat resized = scope.mat();
            int w = Math.max(1, (int) Math.round(image.cols() * scale));
            int h = Math.max(1, (int) Math.round(image.rows() * scale));
            Imgproc.resize(image, resized, new Size(w, h), 0, 0, Imgproc.INTER_LINEAR);
            resized.copyTo(scope.add(canvas.submat(new Rect(0, 0, w, h))));
            return Blobs.nchw(scope.add(Dnn.blobFromImage(canvas)));
        }
    }

    private float[] infer(float[] input) {
        try (NDManager manager = model.getNDManager().newSubManager();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDArray array = manager.create(input, new Shape(1, 3, INPUT_SIZE, INPUT_SIZE));
            array.setName("images");
            return predictor.predict(new NDList(array)).get(0).toFloatArray();
        } catch (TranslateException e) {
            throw new IllegalStateException("YOLOX inference failed: " + e.getMessage(), e);
        }
    }

    /** The model's manager; each inference's arrays live in a sub-manager of it, closed when it ends. */
    NDManager modelManager() {
        return model.getNDManager();
    }

    @Override
    public void close() {
        model.close();
        if (matcher != null) {
            matcher.close();
        }
    }
}
