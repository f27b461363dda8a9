package io.brushline.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.imaging.ImageCodec;
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

/**
 * The SAM code path on the tiny TorchScript models from tools/models/make_tiny_models.py (128 px input,
 * 8x8 embeddings, 32x32 low-res masks). The tiny decoder marks the prompt box and a disc around
 * foreground points in input-frame pixels, so a box given in source pixels must come back as a mask
 * over the same source pixels whatever the image's size and aspect ratio.
 */
class SamSegmenterTest {

    private static final int SIDE = 128;
    private static SamSegmenter sam;

    @BeforeAll
    static void load() throws URISyntaxException {
        ImageCodec.init();
        Path dir = Path.of(SamSegmenterTest.class.getResource("/tiny/sam-encoder.pt").toURI()).getParent();
        sam = new SamSegmenter(dir.resolve("sam-encoder.pt"), dir.resolve("sam-decoder.pt"), SIDE);
    }

    @AfterAll
    static void close() {
        sam.close();
    }

    private static Mat image(int width, int height) {
        return new Mat(height, width, CvType.CV_8UC3, new Scalar(40, 90, 160));
    }

    @Test
    void aBoxComesBackOverTheSameSourcePixelsForOddSizesAndAspectRatios() {
        for (int[] size : new int[][] {{301, 157}, {157, 301}, {640, 480}, {97, 97}}) {
            int w = size[0];
            int h = size[1];
            Box box = new Box(w / 5, h / 4, w / 5 + w / 2, h / 4 + h / 2);
            Mat mask = sam.segment(image(w, h), List.of(new Detection(box, "thing", 0.9)), List.of());
            assertEquals(w, mask.cols());
            assertEquals(h, mask.rows());
            double iou = OfflineSegmenterTest.iou(mask, MaskOps.ofBox(box, w, h));
            // one low-res cell is 4 input pixels, i.e. up to 10 source pixels on the 301-pixel side
            assertTrue(iou > 0.8, w + "x" + h + ": IoU " + iou);
            assertEquals(255, (int) mask.get(box.y1() + box.height() / 2, box.x1() + box.width() / 2)[0]);
            assertEquals(0, (int) mask.get(h - 1, w - 1)[0]);
        }
    }

    @Test
    void severalBoxesAreUnited() {
        Box left = new Box(10, 10, 100, 100);
        Box right = new Box(200, 50, 290, 140);
        Mat mask = sam.segment(image(301, 157), List.of(new Detection(left, "a", 0.9), new Detection(right, "b", 0.8)),
                List.of());
        assertEquals(255, (int) mask.get(55, 55)[0]);
        assertEquals(255, (int) mask.get(95, 245)[0]);
        assertEquals(0, (int) mask.get(55, 150)[0]);
    }

    @Test
    void aForegroundPointMarksTheRegionAroundIt() {
        Mat mask = sam.segment(image(400, 200), List.of(), List.of(new Point(300, 100, true)));
        assertEquals(255, (int) mask.get(100, 300)[0]);
        assertEquals(0, (int) mask.get(100, 100)[0]);
    }

    @Test
    void promptsAreInTheInputFrame() {
        var frame = SamSegmenter.Frame.of(301, 157, SIDE);
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
