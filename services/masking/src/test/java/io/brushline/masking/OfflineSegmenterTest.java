package io.brushline.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.Point;
import io.brushline.common.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/** Box-to-mask refinement: GrabCut on a constructed picture, DeepLabV3 on an annotated photo. */
class OfflineSegmenterTest {

    private static final Box DISC_BOX = new Box(60, 40, 140, 120);

    @BeforeAll
    static void opencv() {
        ImageCodec.init();
    }

    /** A red disc on a textured grey background: its box is a poor mask, GrabCut finds the disc. */
    private static Mat disc() {
        Mat image = new Mat(160, 200, CvType.CV_8UC3, new Scalar(90, 100, 110));
        Core.randn(image, 100, 12);
        Imgproc.circle(image, new org.opencv.core.Point(100, 80), 40, new Scalar(20, 20, 230), Imgproc.FILLED);
        return image;
    }

    private static Mat discTruth() {
        Mat truth = MaskOps.empty(200, 160);
        Imgproc.circle(truth, new org.opencv.core.Point(100, 80), 40, new Scalar(255), Imgproc.FILLED);
        return truth;
    }

    @Test
    void grabCutFindsTheObjectInsideItsBox() {
        var segmenter = new OfflineSegmenter(MaskingConfig.Refinement.grabcut, null);
        Mat mask = segmenter.segment(disc(), List.of(new Detection(DISC_BOX, "ball", 0.9)), List.of());
        assertTrue(iou(mask, discTruth()) > 0.9, "IoU " + iou(mask, discTruth()));
        assertEquals(0, Core.countNonZero(mask.submat(0, 40, 0, 200)), "nothing outside the box");
    }

    @Test
    void aPointFindsTheObjectAroundIt() {
        var segmenter = new OfflineSegmenter(MaskingConfig.Refinement.grabcut, null);
        Mat mask = segmenter.segment(disc(), List.of(), List.of(new Point(100, 80, true)));
        assertTrue(iou(mask, discTruth()) > 0.8, "IoU " + iou(mask, discTruth()));
    }

    @Test
    void boxRefinementOfPointsAloneIsTheRegionAroundThem() {
        var segmenter = new OfflineSegmenter(MaskingConfig.Refinement.box, null);
        Mat image = disc();
        Point click = new Point(100, 80, true);
        Mat mask = segmenter.segment(image, List.of(), List.of(click, new Point(10, 10, false)));
        Box region = OfflineSegmenter.regionAround(List.of(click), image.cols(), image.rows());
        assertEquals(region.width() * region.height(), Core.countNonZero(mask));
        assertEquals(255, mask.get(80, 100)[0]);
    }

    @Test
    void boxRefinementIsTheBoxItself() {
        var segmenter = new OfflineSegmenter(MaskingConfig.Refinement.box, null);
        Mat mask = segmenter.segment(disc(), List.of(new Detection(DISC_BOX, "ball", 0.9)), List.of());
        assertEquals(DISC_BOX.width() * DISC_BOX.height(), Core.countNonZero(mask));
    }

    @Test
    void deepLabSegmentsAVocClassCloseToTheAnnotatedMask() throws IOException {
        var segmenter = new OfflineSegmenter(MaskingConfig.Refinement.auto,
                SharedData.model("deeplabv3_mobilenetv2_voc.onnx"));
        Mat image = SharedData.image("iopaint_dog_on_bench.jpg");
        Mat truth = ImageCodec.decodeMask(Files.readAllBytes(
                SharedData.dir().resolve("data/images/masks/iopaint_dog_on_bench__dog.png")), "truth");
        Box annotated = new Box(172, 108, 315, 471);
        Mat mask = segmenter.segment(image, List.of(new Detection(annotated, "dog", 0.9)), List.of());
        // The annotated mask is a loose brush stroke around the dog (tail under the bench included):
        // the refined mask lies within it and covers most of it, where the box spills over the bench.
        Mat inside = new Mat();
        Core.bitwise_and(mask, truth, inside);
        double precision = (double) Core.countNonZero(inside) / Core.countNonZero(mask);
        double recall = (double) Core.countNonZero(inside) / Core.countNonZero(truth);
        assertTrue(precision > 0.95 && recall > 0.6, "precision " + precision + " recall " + recall);
        assertTrue(Core.countNonZero(mask) < 0.6 * annotated.width() * annotated.height());
        segmenter.close();
    }

    /**
     * A box drawn loosely around the dog (as a user draws one in the studio) masks the dog as the
     * detector's tight box does; DeepLab calls part of this dog another class when the crop is wide.
     */
    @Test
    void aLooseBoxMasksTheWholeObjectAsATightBoxDoes() throws IOException {
        var segmenter = new OfflineSegmenter(MaskingConfig.Refinement.auto,
                SharedData.model("deeplabv3_mobilenetv2_voc.onnx"));
        Mat image = SharedData.image("gsam_demo2_dog.jpg");
        Mat tight = segmenter.segment(image, List.of(new Detection(new Box(805, 511, 1787, 977), "dog", 0.88)),
                List.of());
        Mat loose = segmenter.segment(image, List.of(new Detection(new Box(614, 469, 1880, 1149), "dog", 1.0)),
                List.of());
        assertTrue(iou(tight, loose) > 0.85, "IoU of the loose box's mask with the tight box's " + iou(tight, loose));
        segmenter.close();
    }

    /**
     * DeepLab on a photo many times, then GrabCut from a box and from a point: the caller's image is left
     * alone, every temporary matrix is released, and DeepLab's model manager holds as many arrays after
     * many calls as after the first.
     */
    @Test
    void refinementsReleaseTheirMatricesAndArrays() {
        Mat image = SharedData.image("iopaint_dog_on_bench.jpg");
        Box box = new Box(172, 108, 315, 471);
        int dog = VocClasses.of("dog").getAsInt();
        try (DeepLabRefiner deepLab = new DeepLabRefiner(SharedData.model("deeplabv3_mobilenetv2_voc.onnx"))) {
            NDManager model = deepLab.modelManager();
            deepLab.inBox(image, box, dog).release();
            List<Object> afterOne = List.of(model.getManagedArrays().size(), model.toString());
            MatScope.Counts start = MatScope.counts();
            for (int i = 0; i < 10; i++) {
                deepLab.inBox(image, box, dog).release();
            }
            var grabCut = new OfflineSegmenter(MaskingConfig.Refinement.grabcut, null);
            grabCut.segment(image, List.of(new Detection(box, "dog", 0.9)), List.of()).release();
            grabCut.segment(image, List.of(), List.of(new Point(240, 300, true))).release();
            MatScope.Counts calls = MatScope.counts().since(start);
            assertFalse(image.empty(), "the caller's image was released");
            assertTrue(calls.added() > 0, "no matrix went through a scope");
            assertEquals(calls.added(), calls.released(), "matrices left to the garbage collector");
            assertEquals(afterOne, List.of(model.getManagedArrays().size(), model.toString()),
                    "arrays left on the model's manager");
        }
    }

    /** One object split between two classes is kept whole; another object touching none of the class is not. */
    @Test
    void theObjectIsEveryForegroundRegionThatHoldsItsClass() {
        int size = 257;
        int classes = 21;
        int dog = 12;
        int cat = 8;
        int person = 15;
        float[] scores = new float[size * size * classes];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int winner = 0;
                if (y >= 50 && y < 100 && x >= 20 && x < 120) {
                    winner = x < 70 ? dog : cat;
                } else if (y >= 150 && y < 200 && x >= 150 && x < 200) {
                    winner = person;
                }
                scores[(y * size + x) * classes + winner] = 1f;
            }
        }
        Mat object = DeepLabRefiner.objectOfClass(scores, dog);
        assertEquals(50 * 100, Core.countNonZero(object), "the dog's region, cat-labelled half included");
        assertEquals(0.0, object.get(175, 175)[0], "the person's region");
    }

    static double iou(Mat a, Mat b) {
        Mat inter = new Mat();
        Mat union = new Mat();
        Core.bitwise_and(a, b, inter);
        Core.bitwise_or(a, b, union);
        return (double) Core.countNonZero(inter) / Core.countNonZero(union);
    }
}
