package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Box;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;

/**
 * The GroundingDINO code path on the tiny random-weight GroundingDINO of the golden data
 * (tools/models/make_detector_goldens.py: transformers' architecture at toy widths, 100 queries, a
 * WordPiece vocabulary with BERT's special token ids). {@link GroundingDinoGoldenTest} compares its
 * detections with transformers'.
 */
class GroundingDinoDetectorTest {

    private static GroundingDinoDetector detector;

    @BeforeAll
    static void load() throws URISyntaxException {
        ImageCodec.init();
        Path dir = Path.of(GroundingDinoDetectorTest.class.getResource(
                "/golden/grounding-dino/grounding-dino.pt").toURI()).getParent();
        detector = new GroundingDinoDetector(dir.resolve("grounding-dino.pt"),
                dir.resolve("grounding-dino-tokenizer.json"), 288, 480, 0.0, 0.5);
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    @Test
    void theCaptionEndsInADot() {
        var caption = detector.caption("hot air balloon");
        // [CLS] hot air balloon . [SEP], with BERT's ids for the special tokens and the dot
        assertArrayEquals(new long[] {101, 1035, 1036, 1037, 1012, 102}, caption.ids());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1}, caption.attention());
    }

    @Test
    void inputKeepsTheAspectRatioWithinBothLimits() {
        assertEquals(new Size(1200, 800), GroundingDinoDetector.inputSize(1800, 1200, 800, 1333));
        // the long side limits: short side round(1333 / 3) = 444, long side int(444 * 3) = 1332
        assertEquals(new Size(1332, 444), GroundingDinoDetector.inputSize(3000, 1000, 800, 1333));
        // 800 on the short side would make the long side 1334: short side round(1333 * 301 / 502) = 799
        assertEquals(new Size(799, 1332), GroundingDinoDetector.inputSize(301, 502, 800, 1333));
        // the computed side is truncated, not rounded: 800 * 1600 / 1200 = 1066.7
        assertEquals(new Size(1066, 800), GroundingDinoDetector.inputSize(1600, 1200, 800, 1333));
        // 1333 * 500 / 2000 = 333.25 -> 333; Python rounds half to even: 1330 / 4 = 332.5 -> 332
        assertEquals(new Size(1332, 333), GroundingDinoDetector.inputSize(2000, 500, 800, 1333));
        assertEquals(new Size(1328, 332), GroundingDinoDetector.inputSize(2000, 500, 800, 1330));
        // an image already at the short side keeps its size
        assertEquals(new Size(1000, 800), GroundingDinoDetector.inputSize(1000, 800, 800, 1333));
    }

    @Test
    void runsTheModelOnAnOddSizedImage() {
        Mat image = new Mat(157, 301, CvType.CV_8UC3, new Scalar(30, 120, 200));
        DetectionOutcome outcome = detector.detect(image, "the dog");
        assertTrue(!outcome.detections().isEmpty() && outcome.detections().size() <= 100);
        outcome.detections().forEach(d -> assertTrue(d.box().fitsIn(301, 157), d.box().toString()));
        assertEquals("dog", outcome.detections().get(0).label());
    }

    @Test
    void aQueryScoresItsBestTextPositionAndBoxesAreNormalisedToTheImage() {
        // three queries over [CLS] dog . [SEP] and a -inf pad: query 0 is best on the dot, query 1 on "dog",
        // query 2 nowhere above the threshold
        float ninf = Float.NEGATIVE_INFINITY;
        float[] logits = {
            -4, -6, 3, -5, ninf,
            -4, 1, -9, -9, ninf,
            -4, -3, -5, -9, ninf};
        float[] boxes = {0.5f, 0.5f, 1f, 1f, 0.25f, 0.5f, 0.1f, 0.2f, 0.5f, 0.5f, 0.2f, 0.2f};
        DetectionOutcome outcome = GroundingDinoDetector.decode(logits, 5, boxes, "dog", 400, 100, 0.35, 0.5,
                false);
        assertEquals(2, outcome.detections().size(), "the special tokens and the dot count, as in the reference");
        assertEquals(1 / (1 + Math.exp(-3)), outcome.detections().get(0).score(), 1e-6);
        assertEquals(new Box(0, 0, 400, 100), outcome.detections().get(0).box());
        assertEquals(new Box(80, 40, 120, 60), outcome.detections().get(1).box());
        assertEquals(1 / (1 + Math.exp(-3)), outcome.bestScore(), 1e-6);
    }

    @Test
    void theDetectorSettingAcceptsTheHyphenatedName() {
        var config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(
                        Map.of("brushline.grounding.detector", "grounding-dino"), "test"))
                .withMapping(GroundingConfig.class)
                .build()
                .getConfigMapping(GroundingConfig.class);
        assertEquals(GroundingConfig.DetectorKind.grounding_dino, config.detector());
    }
}
