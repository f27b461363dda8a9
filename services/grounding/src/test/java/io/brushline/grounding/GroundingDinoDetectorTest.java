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
 * The GroundingDINO code path on the tiny random-weight TorchScript model from
 * tools/models/make_tiny_models.py (any input size, 16 queries, word-level BERT-style tokenizer).
 */
class GroundingDinoDetectorTest {

    private static GroundingDinoDetector detector;

    @BeforeAll
    static void load() throws URISyntaxException {
        ImageCodec.init();
        Path dir = Path.of(GroundingDinoDetectorTest.class.getResource("/tiny/grounding-dino.pt").toURI())
                .getParent();
        detector = new GroundingDinoDetector(dir.resolve("grounding-dino.pt"),
                dir.resolve("grounding-dino-tokenizer.json"), 96, 160, 0.0, 0.5);
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    @Test
    void theCaptionEndsInADotAndOnlyThePhraseTokensScore() {
        var caption = detector.caption("hot air balloon");
        // [CLS] hot air balloon . [SEP]
        assertArrayEquals(new long[] {2, 9, 10, 11, 4, 3}, caption.ids());
        assertArrayEquals(new int[] {1, 2, 3}, caption.phraseTokens());
    }

    @Test
    void inputKeepsTheAspectRatioWithinBothLimits() {
        assertEquals(new Size(1200, 800), GroundingDinoDetector.inputSize(1800, 1200, 800, 1333));
        assertEquals(new Size(1333, 444), GroundingDinoDetector.inputSize(3000, 1000, 800, 1333));
        // 800 on the short side would make the long side 1334: the long side limits
        assertEquals(new Size(799, 1333), GroundingDinoDetector.inputSize(301, 502, 800, 1333));
    }

    @Test
    void runsTheModelOnAnOddSizedImage() {
        Mat image = new Mat(157, 301, CvType.CV_8UC3, new Scalar(30, 120, 200));
        DetectionOutcome outcome = detector.detect(image, "the dog");
        assertTrue(!outcome.detections().isEmpty() && outcome.detections().size() <= 16);
        outcome.detections().forEach(d -> assertTrue(d.box().fitsIn(301, 157), d.box().toString()));
        assertEquals("dog", outcome.detections().get(0).label());
    }

    @Test
    void boxesAreNormalisedToTheImageItself() {
        // two queries over a 5-token caption [CLS] dog . [SEP] [PAD]; query 1 matches "dog"
        float[] logits = {
            -4, -6, 9, 9, 9,
            -4, 2, -9, -9, -9};
        float[] boxes = {0.5f, 0.5f, 1f, 1f, 0.25f, 0.5f, 0.1f, 0.2f};
        DetectionOutcome outcome = GroundingDinoDetector.decode(logits, 5, new int[] {1}, boxes, "dog", 400, 100,
                0.35, 0.5, false);
        assertEquals(1, outcome.detections().size(), "the dot and special tokens do not count");
        assertEquals(new Box(80, 40, 120, 60), outcome.detections().get(0).box());
        assertEquals(1 / (1 + Math.exp(-2)), outcome.bestScore(), 1e-6);
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
