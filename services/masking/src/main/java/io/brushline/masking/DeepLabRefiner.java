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
import io.brushline.common.messages.Box;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Semantic segmentation of the box region with DeepLabV3 + MobileNetV2 (PASCAL VOC, ONNX Runtime
 * through DJL): the pixels of the box's class inside the box. Model I/O: input {@code sub_7}
 * [1,257,257,3] RGB scaled to -1..1, output [1,257,257,21] class scores.
 */
final class DeepLabRefiner implements AutoCloseable {

    private static final int SIZE = 257;
    private static final int CLASSES = 21;
    private static final double CONTEXT_MARGIN = 0.15;

    private final ZooModel<NDList, NDList> model;

    DeepLabRefiner(Path modelFile) {
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
            throw new IllegalStateException("cannot load the DeepLabV3 model " + modelFile + ": " + e.getMessage(), e);
        }
    }

    /** Pixels of VOC class {@code vocClass} within {@code box}: 0/255, image-sized. */
    Mat inBox(Mat image, Box box, int vocClass) {
        // A little context around the box helps the network see the object whole.
        Box context = GrabCut.expand(box, CONTEXT_MARGIN, image.cols(), image.rows());
        try (MatScope scope = new MatScope()) {
            Mat rgb = scope.mat();
            Imgproc.resize(scope.add(image.submat(MaskOps.rect(context))), rgb, new Size(SIZE, SIZE), 0, 0,
                    Imgproc.INTER_LINEAR);
            Imgproc.cvtColor(rgb, rgb, Imgproc.COLOR_BGR2RGB);
            byte[] pixels = new byte[SIZE * SIZE * 3];
            rgb.get(0, 0, pixels);
            float[] input = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                input[i] = (pixels[i] & 0xff) / 127.5f - 1f;
            }
            float[] scores = infer(input);
            Mat small = scope.add(objectOfClass(scores, vocClass));
            Mat full = scope.add(MaskOps.empty(image.cols(), image.rows()));
            scope.add(MaskOps.resize(small, context.width(), context.height()))
                    .copyTo(scope.add(full.submat(MaskOps.rect(context))));
            Core.bitwise_and(full, scope.add(MaskOps.ofBox(box, image.cols(), image.rows())), full);
            return scope.keep(full);
        }
    }

    /**
     * The foreground regions (any class but background) that hold pixels of {@code vocClass}. The
     * network often splits one animal or vehicle between neighbouring classes (dog and cat, car and
     * bus), the more so the more of the crop is not the object: its class alone leaves holes.
     */
    static Mat objectOfClass(float[] scores, int vocClass) {
        byte[] foreground = new byte[SIZE * SIZE];
        byte[] ofClass = new byte[SIZE * SIZE];
        for (int p = 0; p < SIZE * SIZE; p++) {
            int best = 0;
            for (int c = 1; c < CLASSES; c++) {
                if (scores[p * CLASSES + c] > scores[p * CLASSES + best]) {
                    best = c;
                }
            }
            foreground[p] = best == 0 ? 0 : (byte) 255;
            ofClass[p] = best == vocClass ? (byte) 255 : 0;
        }
        Mat regions = new Mat(SIZE, SIZE, CvType.CV_8UC1);
        regions.put(0, 0, foreground);
        Mat labels = new Mat();
        int regionCount = Imgproc.connectedComponents(regions, labels, 8, CvType.CV_32S);
        int[] label = new int[SIZE * SIZE];
        labels.get(0, 0, label);
        boolean[] holdsClass = new boolean[regionCount];
        for (int p = 0; p < SIZE * SIZE; p++) {
            if (ofClass[p] != 0) {
                holdsClass[label[p]] = true;
            }
        }
        byte[] object = new byte[SIZE * SIZE];
        for (int p = 0; p < SIZE * SIZE; p++) {
            object[p] = foreground[p] != 0 && holdsClass[label[p]] ? (byte) 255 : 0;
        }
        regions.put(0, 0, object);
        labels.release();
        return regions;
    }

    private float[] infer(float[] input) {
        try (NDManager manager = model.getNDManager().newSubManager();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDArray array = manager.create(input, new Shape(1, SIZE, SIZE, 3));
            array.setName("sub_7");
            return predictor.predict(new NDList(array)).get(0).toFloatArray();
        } catch (TranslateException e) {
            throw new IllegalStateException("DeepLabV3 inference failed: " + e.getMessage(), e);
        }
    }

    /** The model's manager; each inference's arrays live in a sub-manager of it, closed when it ends. */
    NDManager modelManager() {
        return model.getNDManager();
    }

    @Override
    public void close() {
        model.close();
    }
}
