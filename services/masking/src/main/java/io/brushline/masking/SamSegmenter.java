package io.brushline.masking;

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
import io.brushline.common.imaging.PilResize;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.Point;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.dnn.Dnn;
import org.opencv.dnn.Image2BlobParams;
import org.opencv.imgproc.Imgproc;

/**
 * Segment Anything, split as image encoder + prompt decoder (TorchScript files made by
 * {@code tools/export/export_sam.py}), run by DJL's PyTorch engine. The encoder runs once per image;
 * each box is decoded on its own (two corner points labelled 2 and 3, no mask input, single mask) and
 * the masks are united. Java does the SAM pre- and post-processing as segment-anything's SamPredictor
 * does: longest side resized to the input side (Pillow's bilinear filter), ImageNet normalisation, zero padding at the bottom-right, prompt coordinates into that frame,
 * and the low-resolution mask logits upsampled to the input frame, cropped to the image and resized to
 * the source size, thresholded at 0.
 *
 * <p>Signatures: encoder {@code forward(pixel_values [1,3,S,S]) -> image_embeddings [1,C,S/16,S/16]};
 * decoder {@code forward(image_embeddings, point_coords [1,N,2], point_labels [1,N], mask_input
 * [1,1,4h,4w], has_mask_input [1]) -> (low_res_masks [1,1,4h,4w], iou_predictions [1,1])}.
 */
public final class SamSegmenter implements Segmenter {

    private static final double[] MEAN = {123.675, 116.28, 103.53};
    private static final double[] STD = {58.395, 57.12, 57.375};
    static final float LABEL_BACKGROUND = 0;
    static final float LABEL_FOREGROUND = 1;
    static final float LABEL_BOX_TOP_LEFT = 2;
    static final float LABEL_BOX_BOTTOM_RIGHT = 3;
    /** SAM expects a padding point when no box is given. */
    static final float LABEL_PADDING = -1;

    private final ZooModel<NDList, NDList> encoder;
    private final ZooModel<NDList, NDList> decoder;
    private final int inputSize;

    public SamSegmenter(Path encoderFile, Path decoderFile, int inputSize) {
        this.inputSize = inputSize;
        this.encoder = load(encoderFile);
        this.decoder = load(decoderFile);
    }

    private static ZooModel<NDList, NDList> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("SAM file not found at " + file.toAbsolutePath()
                    + " (make it with tools/export/export_sam.py, see tools/export/README.md)");
        }
        try {
            return Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(file)
                    .optEngine("PyTorch")
                    .optTranslator(new NoopTranslator())
                    .build()
                    .loadModel();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("cannot load the SAM model " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Mat segment(Mat image, List<Detection> boxes, List<Point> points) {
        Frame frame = Frame.of(image.cols(), image.rows(), inputSize);
        try (MatScope scope = new MatScope();
                NDManager manager = decoder.getNDManager().newSubManager();
                Predictor<NDList, NDList> encode = encoder.newPredictor();
                Predictor<NDList, NDList> decode = decoder.newPredictor()) {
            NDArray pixels = manager.create(pixelValues(image, frame), new Shape(1, 3, inputSize, inputSize));
            NDArray embeddings = encode.predict(new NDList(pixels)).get(0);
            embeddings.attach(manager);
            long lowRes = 4 * embeddings.getShape().get(2);
            NDArray noMask = manager.zeros(new Shape(1, 1, lowRes, lowRes));
            NDArray hasNoMask = manager.zeros(new Shape(1));
            Mat mask = scope.add(MaskOps.empty(image.cols(), image.rows()));
            List<List<float[]>> prompts = new ArrayList<>();
            for (Detection detection : boxes) {
                prompts.add(boxPrompt(detection.box(), points, frame));
            }
            if (boxes.isEmpty() && !points.isEmpty()) {
                prompts.add(pointPrompt(points, frame));
            }
            for (List<float[]> prompt : prompts) {
                float[] coords = new float[prompt.size() * 2];
                float[] labels = new float[prompt.size()];
                for (int i = 0; i < prompt.size(); i++) {
                    coords[2 * i] = prompt.get(i)[0];
                    coords[2 * i + 1] = prompt.get(i)[1];
                    labels[i] = prompt.get(i)[2];
                }
                try (NDList out = decode.predict(new NDList(embeddings,
                        manager.create(coords, new Shape(1, prompt.size(), 2)),
                        manager.create(labels, new Shape(1, prompt.size())), noMask, hasNoMask))) {
                    MaskOps.union(mask, scope.add(upsample(out.get(0).toFloatArray(), (int) lowRes, frame)));
                }
            }
            return scope.keep(mask);
        } catch (TranslateException e) {
            throw new IllegalStateException("SAM inference failed: " + e.getMessage(), e);
        }
    }

    /** The box's corners (labels 2, 3) plus any point hints, in input-frame pixels. */
    static List<float[]> boxPrompt(Box box, List<Point> points, Frame frame) {
        List<float[]> prompt = pointsIn(points, frame);
        prompt.add(new float[] {frame.x(box.x1()), frame.y(box.y1()), LABEL_BOX_TOP_LEFT});
        prompt.add(new float[] {frame.x(box.x2()), frame.y(box.y2()), LABEL_BOX_BOTTOM_RIGHT});
        return prompt;
    }

    static List<float[]> pointPrompt(List<Point> points, Frame frame) {
        List<float[]> prompt = pointsIn(points, frame);
        prompt.add(new float[] {0, 0, LABEL_PADDING});
        return prompt;
    }

    private static List<float[]> pointsIn(List<Point> points, Frame frame) {
        List<float[]> prompt = new ArrayList<>();
        for (Point p : points) {
            float label = p.foreground() ? LABEL_FOREGROUND : LABEL_BACKGROUND;
            prompt.add(new float[] {frame.x(p.x()), frame.y(p.y()), label});
        }
        return prompt;
    }

    /**
     * ImageNet-normalised RGB of the image resized as segment-anything does (Pillow's bilinear filter),
     * zero-padded at the bottom-right to the input square.
     */
    float[] pixelValues(Mat bgr, Frame frame) {
        float[] resized;
        try (MatScope scope = new MatScope()) {
            Mat scaled = scope.add(PilResize.resize(bgr, frame.width(), frame.height(), PilResize.Filter.BILINEAR));
            var params = new Image2BlobParams(new Scalar(1 / STD[0], 1 / STD[1], 1 / STD[2]),
                    new Size(frame.width(), frame.height()), new Scalar(MEAN[0], MEAN[1], MEAN[2]), true,
                    CvType.CV_32F);
            Mat blob = scope.add(Dnn.blobFromImageWithParams(scaled, params));
            resized = new float[(int) blob.total()];
            blob.get(new int[blob.dims()], resized);
        }
        float[] padded = new float[3 * inputSize * inputSize];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < frame.height(); y++) {
                System.arraycopy(resized, (c * frame.height() + y) * frame.width(), padded,
                        (c * inputSize + y) * inputSize, frame.width());
            }
        }
        return padded;
    }

    /** Low-resolution logits -> input frame -> crop of the image's part -> source size, positive = object. */
    static Mat upsample(float[] logits, int lowRes, Frame frame) {
        try (MatScope scope = new MatScope()) {
            Mat low = scope.add(new Mat(lowRes, lowRes, CvType.CV_32FC1));
            low.put(0, 0, logits);
            Mat input = scope.mat();
            Imgproc.resize(low, input, new Size(frame.side(), frame.side()), 0, 0, Imgproc.INTER_LINEAR);
            Mat source = scope.mat();
            Imgproc.resize(scope.add(input.submat(0, frame.height(), 0, frame.width())), source,
                    new Size(frame.sourceWidth(), frame.sourceHeight()), 0, 0, Imgproc.INTER_LINEAR);
            Mat mask = scope.mat();
            Imgproc.threshold(source, mask, 0, 255, Imgproc.THRESH_BINARY);
            mask.convertTo(mask, CvType.CV_8UC1);
            return scope.keep(mask);
        }
    }

    /**
     * How the source image sits in SAM's square input: longest side scaled to {@code side}, the other
     * rounded, placed top-left.
     */
    record Frame(int sourceWidth, int sourceHeight, int side, int width, int height) {

        static Frame of(int sourceWidth, int sourceHeight, int side) {
            double scale = (double) side / Math.max(sourceWidth, sourceHeight);
            return new Frame(sourceWidth, sourceHeight, side, (int) (sourceWidth * scale + 0.5),
                    (int) (sourceHeight * scale + 0.5));
        }

        float x(double sourceX) {
            return (float) (sourceX * width / sourceWidth);
        }

        float y(double sourceY) {
            return (float) (sourceY * height / sourceHeight);
        }
    }

    /** The encoder's and the decoder's managers; a job's arrays live in a sub-manager, closed when it ends. */
    List<NDManager> modelManagers() {
        return List.of(encoder.getNDManager(), decoder.getNDManager());
    }

    @Override
    public void close() {
        encoder.close();
        decoder.close();
    }
}
