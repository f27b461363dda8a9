package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    private static final double SCORE_TOLERANCE = 1e-4;
    private static final double BOX_TOLERANCE_PX = 1.0;

    private static Path dir;
    private static JsonNode golden;
    private static GroundingDinoDetector detector;

    @BeforeAll
    static void load() throws URISyntaxException, IOException {
        ImageCodec.init();
        dir = Path.of(GroundingDinoGoldenTest.class.getResource("/golden/grounding-dino/cases.json").toURI())
                .getParent();
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

    static Stream<Arguments> cases() throws URISyntaxException, IOException {
        Path file = Path.of(GroundingDinoGoldenTest.class.getResource("/golden/grounding-dino/cases.json").toURI());
        List<Arguments> cases = new ArrayList<>();
        new ObjectMapper().readTree(file.toFile()).get("cases").forEach(c -> cases.add(
                Arguments.of(c.get("image").asText(), c.get("phrase").asText(), c)));
        return cases.stream();
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

        double[] scores = new double[expected.get("scores").size()];
        double[][] boxes = new double[scores.length][];
        double best = 0;
        int nonEmpty = 0;
        for (int q = 0; q < scores.length; q++) {
            scores[q] = expected.get("scores").get(q).asDouble();
            JsonNode b = expected.get("boxes").get(q);
            boxes[q] = new double[] {
                clamp(b.get(0).asDouble(), width), clamp(b.get(1).asDouble(), height),
                clamp(b.get(2).asDouble(), width), clamp(b.get(3).asDouble(), height)};
            best = Math.max(best, scores[q]);
            if (Boxes.clipped(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble(),
                    width, height) != null) {
                nonEmpty++;
            }
        }

        DetectionOutcome outcome = detector.detect(image, phrase);
        assertEquals(best, outcome.bestScore(), SCORE_TOLERANCE, "best score");
        assertEquals(nonEmpty, outcome.detections().size(), "one detection per query with a box inside the image");
        double worstScore = 0;
        double worstBox = 0;
        for (Detection d : outcome.detections()) {
            int q = closestQuery(d, scores, boxes);
            double scoreDifference = Math.abs(scores[q] - d.score());
            double boxDifference = boxDifference(d.box(), boxes[q]);
            assertTrue(scoreDifference <= SCORE_TOLERANCE && boxDifference <= BOX_TOLERANCE_PX,
                    "no reference query has the score and box of " + d + " (closest: score " + scores[q] + ", box "
                            + Arrays.toString(boxes[q]) + ")");
            worstScore = Math.max(worstScore, scoreDifference);
            worstBox = Math.max(worstBox, boxDifference);
        }
        System.out.printf("GroundingDINO golden %s \"%s\": max score difference %.2e, max box difference %.3f px%n",
                imageName, phrase, worstScore, worstBox);
    }

    /** The reference query closest to the detection: within the score tolerance if any is, then by box. */
    private static int closestQuery(Detection d, double[] scores, double[][] boxes) {
        int best = 0;
        double bestCost = Double.MAX_VALUE;
        for (int q = 0; q < scores.length; q++) {
            double scoreDifference = Math.abs(scores[q] - d.score());
            double cost = (scoreDifference <= SCORE_TOLERANCE ? 0 : 1e6 + scoreDifference) + boxDifference(d.box(),
                    boxes[q]);
            if (cost < bestCost) {
                bestCost = cost;
                best = q;
            }
        }
        return best;
    }

    private static double boxDifference(Box box, double[] reference) {
        return Math.max(Math.max(Math.abs(reference[0] - box.x1()), Math.abs(reference[1] - box.y1())),
                Math.max(Math.abs(reference[2] - box.x2()), Math.abs(reference[3] - box.y2())));
    }

    private static double clamp(double value, int limit) {
        return Math.max(0, Math.min(limit, value));
    }
}
