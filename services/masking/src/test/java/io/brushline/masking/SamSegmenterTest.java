package io.brushline.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.Point;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * The SAM code path on the tiny random-weight SAM of the golden data (tools/models/make_segmenter_goldens.py:
 * segment-anything's architecture at toy widths, 256 px input, 16x16 embeddings, 64x64 low-res masks).
 * {@link SamGoldenTest} compares its masks with segment-anything's; these tests cover what the golden
 * cases do not: odd sizes, several boxes, and the coordinate helpers.
 */
class SamSegmenterTest {

    private static final int SIDE = 256;
    private static Path dir;
    private static SamSegmenter sam;

    @BeforeAll
    static void load() throws URISyntaxException {
        ImageCodec.init();
        dir = Path.of(SamSegmenterTest.class.getResource("/golden/sam/sam-encoder.pt").toURI()).getParent();
        sam = new SamSegmenter(dir.resolve("sam-encoder.pt"), dir.resolve("sam-decoder.pt"), SIDE);
    }

    @Test
    void theDecoderFileHoldsOnlyThePromptEncoderAndMaskDecoder() throws Exception {
        // export_sam.py once saved the whole model, image encoder included, in the decoder file
        try (ZooModel<NDList, NDList> decoder = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(dir.resolve("sam-decoder.pt"))
                .optEngine("PyTorch")
                .optTranslator(new NoopTranslator())
                .build()
                .loadModel()) {
            List<String> names = decoder.getBlock().getParameters().keys();
            assertTrue(names.stream().anyMatch(n -> n.contains("mask_decoder")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.contains("prompt_encoder")), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.contains("image_encoder")), names.toString());
        }
    }

    @AfterAll
    static void close() {
        sam.close();
    }

    private static Mat image(int width, int height) {
        Mat image = new Mat(height, width, CvType.CV_8UC3, new Scalar(40, 90, 160));
        Imgproc.circle(image, new org.opencv.core.Point(width / 2.0, height / 2.0), Math.min(width, height) / 4,
                new Scalar(200, 30, 30), -1);
        return image;
    }

    @Test
    void masksComeBackAtTheSourceSizeForOddSizesAndAspectRatios() {
        for (int[] size : new int[][] {{301, 157}, {157, 301}, {97, 97}}) {
            int w = size[0];
            int h = size[1];
            Box box = new Box(w / 5, h / 4, w / 5 + w / 2, h / 4 + h / 2);
            Mat mask = sam.segment(image(w, h), List.of(new Detection(box, "thing", 0.9)), List.of());
            assertEquals(w, mask.cols());
            assertEquals(h, mask.rows());
            assertEquals(CvType.CV_8UC1, mask.type());
        }
    }

    @Test
    void severalBoxesAreUnited() {
        Mat image = image(301, 157);
        Detection left = new Detection(new Box(10, 10, 100, 100), "a", 0.9);
        Detection right = new Detection(new Box(150, 50, 290, 140), "b", 0.8);
        Mat both = sam.segment(image, List.of(left, right), List.of());
        Mat union = new Mat();
        Core.bitwise_or(sam.segment(image, List.of(left), List.of()), sam.segment(image, List.of(right), List.of()),
                union);
        Mat difference = new Mat();
        Core.absdiff(both, union, difference);
        assertTrue(Core.countNonZero(union) > 0);
        assertEquals(0, Core.countNonZero(difference));
    }

    /**
     * Jobs with two boxes and with a point: the caller's image is left alone, every temporary matrix is
     * released, and neither model's manager holds more arrays after many jobs than after the first.
     */
    @Test
    void jobsReleaseTheirMatricesAndArrays() {
        Mat image = image(301, 157);
        List<Detection> boxes = List.of(new Detection(new Box(10, 10, 100, 100), "a", 0.9),
                new Detection(new Box(150, 50, 290, 140), "b", 0.8));
        List<Point> point = List.of(new Point(150, 80, true));
        sam.segment(image, boxes, List.of()).release();
        List<String> afterOne = managedArrays();
        MatScope.Counts start = MatScope.counts();
        for (int i = 0; i < 5; i++) {
            sam.segment(image, boxes, List.of()).release();
            sam.segment(image, List.of(), point).release();
        }
        MatScope.Counts jobs = MatScope.counts().since(start);
        assertFalse(image.empty(), "the caller's image was released");
        assertTrue(jobs.added() > 0, "no matrix went through a scope");
        assertEquals(jobs.added(), jobs.released(), "matrices left to the garbage collector");
        assertEquals(afterOne, managedArrays(), "arrays left on a model's manager");
    }

    private static List<String> managedArrays() {
        return sam.modelManagers().stream().map(m -> m.getManagedArrays().size() + " arrays, " + m).toList();
    }

    @Test
    void promptsAreInTheInputFrame() {
        var frame = SamSegmenter.Frame.of(301, 157, 128);
        assertEquals(128, frame.width());
        assertEquals(67, frame.height());
        List<float[]> prompt = SamSegmenter.boxPrompt(new Box(0, 0, 301, 157), List.of(), frame);
        assertEquals(SamSegmenter.LABEL_BOX_TOP_LEFT, prompt.get(0)[2]);
        assertEquals(128f, prompt.get(1)[0], 1e-4);
        assertEquals(67f, prompt.get(1)[1], 1e-4);
        assertEquals(SamSegmenter.LABEL_PADDING,
                SamSegmenter.pointPrompt(List.of(new Point(1, 1, true)), frame).get(1)[2]);
    }

    @Test
    void lowResolutionLogitsAreCroppedToTheImageAndResizedToTheSource() {
        // 4x4 logits over an 8x8 input frame holding an 8x4 image (source 16x8): only the top half is image.
        // Positive in the left half of the top two rows.
        float[] logits = {
            5, 5, -5, -5,
            5, 5, -5, -5,
            9, 9, 9, 9,
            9, 9, 9, 9};
        Mat mask = SamSegmenter.upsample(logits, 4, SamSegmenter.Frame.of(16, 8, 8));
        assertEquals(16, mask.cols());
        assertEquals(8, mask.rows());
        assertEquals(255, (int) mask.get(4, 2)[0]);
        assertEquals(0, (int) mask.get(4, 13)[0]);
        // the bottom rows of the logits lie in the padding and must not show up
        assertTrue(Core.countNonZero(mask) < 16 * 8 * 0.6);
    }
}
