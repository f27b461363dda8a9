package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.imaging.ImageCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencv.core.Mat;
import org.opencv.core.Size;

/**
 * The detector against transformers' GroundingDINO on the golden data of
 * tools/models/make_detector_goldens.py: three aspect ratios times three captions of 4, 5 and 11 tokens,
 * a tiny random-weight model of the real architecture exported by tools/export/export_grounding_dino.py
 * (traced at one size and caption, run here at others). Every query's score must be within 1e-4 and its
 * box within 1 px of what GroundingDinoProcessor, the eager model and
 * post_process_grounded_object_detection give.
 */
class GroundingDinoGoldenTest {

    private static Path dir;
    private static JsonNode golden;
    private static GroundingDinoDetector detector;

    @BeforeAll
    static void load() throws IOException {
        ImageCodec.init();
        dir = GoldenDetections.folder("/golden/grounding-dino");
        golden = new ObjectMapper().readTree(dir.resolve("cases.json").toFile());
        // threshold 0 and no suppression: every query comes back, to be compared one by one
        detector = new GroundingDinoDetector(dir.resolve("grounding-dino.pt"),
                dir.resolve("grounding-dino-tokenizer.json"), golden.get("short_side").asInt(),
                golden.get("long_side").asInt(), 0.0, 1.0);
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    static Stream<Arguments> cases() throws IOException {
        return GoldenDetections.cases(GoldenDetections.folder("/golden/grounding-dino").resolve("cases.json"));
    }

    @ParameterizedTest(name = "{0} \"{1}\"")
    @MethodSource("cases")
    void matchesTransformers(String imageName, String phrase, JsonNode expected) throws IOException {
        Mat image = ImageCodec.decodeColor(Files.readAllBytes(dir.resolve(imageName)), imageName);
        int width = image.cols();
        int height = image.rows();
        Size input = GroundingDinoDetector.inputSize(width, height, golden.get("short_side").asInt(),
                golden.get("long_side").asInt());
        assertEquals(expected.get("input_size").get(1).asInt(), (int) input.width, "input width");
        assertEquals(expected.get("input_size").get(0).asInt(), (int) input.height, "input height");
        long[] ids = new long[expected.get("input_ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = expected.get("input_ids").get(i).asLong();
        }
        assertArrayEquals(ids, detector.caption(phrase).ids(), "token ids");

        GoldenDetections reference = GoldenDetections.of(expected, width, height);
        DetectionOutcome outcome = detector.detect(image, phrase);
        reference.assertMatches(outcome, "GroundingDINO golden " + imageName + " \"" + phrase + "\"");
    }
}
