package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Box;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/**
 * The OWLv2 code path on the tiny random-weight OWLv2 of the golden data (tools/models/make_detector_goldens.py:
 * transformers' architecture at toy widths, 64x64 input, 16 px patches, a small CLIP BPE vocabulary):
 * tokens, tensor shapes, box mapping, threshold and NMS. {@link Owlv2GoldenTest} compares its detections
 * with transformers'.
 */
class Owlv2DetectorTest {

    private static Owlv2Detector detector;

    @BeforeAll
    static void load() throws URISyntaxException {
        ImageCodec.init();
        Path dir = Path.of(Owlv2DetectorTest.class.getResource("/golden/owlv2/owlv2.pt").toURI()).getParent();
        detector = new Owlv2Detector(dir.resolve("owlv2.pt"), dir.resolve("owlv2-tokenizer.json"), 64, 0.0, 0.3);
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    @Test
    void tokensAreWrappedInStartAndEndAndPaddedToSixteen() {
        // <|startoftext|> red dog <|endoftext|>, then the pad "!" (id 0)
        long[][] tokens = detector.tokens("red dog");
        assertArrayEquals(new long[] {547, 517, 513, 548, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, tokens[0]);
        assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, tokens[1]);
    }

    @Test
    void aLongQueryIsCutButKeepsItsEndToken() {
        long[] ids = detector.tokens("red dog red dog red dog red dog red dog red dog red dog red dog red dog")[0];
        assertEquals(16, ids.length);
        assertEquals(548, ids[15]);
    }

    @Test
    void runsTheModelOnAnOddSizedImageAndReturnsBoxesInsideIt() {
        Mat image = new Mat(157, 301, CvType.CV_8UC3, new Scalar(30, 120, 200));
        DetectionOutcome outcome = detector.detect(image, "all the dogs");
        // threshold 0: every one of the 16 patches scores, NMS leaves the distinct ones
        assertTrue(!outcome.detections().isEmpty() && outcome.detections().size() <= 16);
        assertTrue(outcome.allInstances());
        outcome.detections().forEach(d -> assertTrue(d.box().fitsIn(301, 157), d.box().toString()));
        for (int i = 1; i < outcome.detections().size(); i++) {
            assertTrue(outcome.detections().get(i - 1).score() >= outcome.detections().get(i).score());
        }
    }

    @Test
    void pixelValuesArePaddedToASquareAndClipNormalised() {
        // 2 wide, 1 high, pure red: the bottom row is padding grey
        Mat red = new Mat(1, 2, CvType.CV_8UC3, new Scalar(0, 0, 255));
        float[] pixels = Owlv2Detector.pixelValues(red, 2);
        float redInRedChannel = (float) ((1.0 - 0.48145466) / 0.26862954);
        float greyInRedChannel = (float) ((0.5 - 0.48145466) / 0.26862954);
        assertEquals(redInRedChannel, pixels[0], 1e-2);
        assertEquals(greyInRedChannel, pixels[2], 1e-2);
        assertEquals((float) ((0 - 0.4578275) / 0.26130258), pixels[4], 1e-2);
    }

    @Test
    void normalisedBoxesMapToSourcePixelsOfTheLongerSide() {
        // one patch, box centred at (0.5, 0.25) of the padded square, 0.2 x 0.1 of it
        float[] boxes = {0.5f, 0.25f, 0.2f, 0.1f};
        float[] logits = {2f};
        Box wide = Owlv2Detector.decode(logits, boxes, 1, 0, "dog", 300, 200, 0.1, 0.5, false)
                .detections().get(0).box();
        assertEquals(new Box(120, 60, 180, 90), wide);
        Box tall = Owlv2Detector.decode(logits, boxes, 1, 0, "dog", 200, 300, 0.1, 0.5, false)
                .detections().get(0).box();
        assertEquals(new Box(120, 60, 180, 90), tall);
        // a box reaching into the padding is clipped to the image
        float[] lowBox = {0.5f, 0.6f, 0.2f, 0.2f};
        assertEquals(new Box(120, 150, 180, 200), Owlv2Detector.decode(logits, lowBox, 1, 0, "dog", 300, 200, 0.1,
                0.5, false).detections().get(0).box());
    }

    @Test
    void thresholdAndNmsOnConstructedLogits() {
        // three patches, two queries; query 1: patch 0 strong, patch 1 overlapping and weaker, patch 2 below threshold
        float[] logits = {-5f, 3f, -5f, 1f, -5f, -3f};
        float[] boxes = {0.5f, 0.5f, 0.4f, 0.4f, 0.52f, 0.5f, 0.4f, 0.4f, 0.1f, 0.1f, 0.1f, 0.1f};
        DetectionOutcome outcome = Owlv2Detector.decode(logits, boxes, 2, 1, "cat", 100, 100, 0.2, 0.5, true);
        assertEquals(1, outcome.detections().size());
        assertEquals(1 / (1 + Math.exp(-3)), outcome.detections().get(0).score(), 1e-6);
        assertEquals(outcome.detections().get(0).score(), outcome.bestScore(), 1e-9);
        DetectionOutcome none = Owlv2Detector.decode(logits, boxes, 2, 0, "cat", 100, 100, 0.2, 0.5, false);
        assertTrue(none.detections().isEmpty());
        assertEquals(1 / (1 + Math.exp(5)), none.bestScore(), 1e-6);
    }
}
