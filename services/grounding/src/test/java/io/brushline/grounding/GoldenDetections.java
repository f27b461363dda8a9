package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * A reference detector's output from a golden cases.json entry: every query's score and box in source
 * pixels (as the reference post-processing gives them, before clipping), to which a Java detection is
 * matched.
 */
record GoldenDetections(double[] scores, double[][] boxes, double bestScore, int insideImage) {

    private static final double SCORE_TOLERANCE = 1e-4;
    private static final double BOX_TOLERANCE_PX = 1.0;

    /** The cases.json of a golden folder as test arguments: image name, phrase, the case itself. */
    static Stream<Arguments> cases(Path casesFile) throws IOException {
        List<Arguments> cases = new ArrayList<>();
        new ObjectMapper().readTree(casesFile.toFile()).get("cases").forEach(c -> cases.add(
                Arguments.of(c.get("image").asText(), c.get("phrase").asText(), c)));
        return cases.stream();
    }

    /** The folder of a golden resource, e.g. "/golden/owlv2". */
    static Path folder(String resource) {
        try {
            return Path.of(GoldenDetections.class.getResource(resource + "/cases.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static GoldenDetections of(JsonNode expected, int width, int height) {
        int count = expected.get("scores").size();
        double[] scores = new double[count];
        double[][] boxes = new double[count][];
        double best = 0;
        int inside = 0;
        for (int q = 0; q < count; q++) {
            scores[q] = expected.get("scores").get(q).asDouble();
            JsonNode b = expected.get("boxes").get(q);
            double x1 = b.get(0).asDouble();
            double y1 = b.get(1).asDouble();
            double x2 = b.get(2).asDouble();
            double y2 = b.get(3).asDouble();
            boxes[q] = new double[] {clamp(x1, width), clamp(y1, height), clamp(x2, width), clamp(y2, height)};
            best = Math.max(best, scores[q]);
            if (Boxes.clipped(x1, y1, x2, y2, width, height) != null) {
                inside++;
            }
        }
        return new GoldenDetections(scores, boxes, best, inside);
    }

    /**
     * Every detection (threshold 0, no suppression) matches a reference query within the tolerances, one
     * per query whose box lies inside the image, and the best scores agree; prints the worst differences.
     */
    void assertMatches(DetectionOutcome outcome, String what) {
        assertEquals(bestScore, outcome.bestScore(), SCORE_TOLERANCE, what + ": best score");
        assertEquals(insideImage, outcome.detections().size(), what + ": one detection per box inside the image");
        double[] worst = new double[2];
        for (Detection d : outcome.detections()) {
            double[] difference = differenceToClosest(d);
            assertTrue(difference[0] <= SCORE_TOLERANCE && difference[1] <= BOX_TOLERANCE_PX,
                    what + ": no reference has the score and box of " + d + " (closest differs by " + difference[0]
                            + " in score, " + difference[1] + " px)");
            worst[0] = Math.max(worst[0], difference[0]);
            worst[1] = Math.max(worst[1], difference[1]);
        }
        System.out.printf("%s: max score difference %.2e, max box difference %.3f px%n", what, worst[0], worst[1]);
    }

    /**
     * {score difference, largest box-corner difference in px} to the reference query closest to the
     * detection: one within the score tolerance if any is, then the nearest box.
     */
    private double[] differenceToClosest(Detection d) {
        double[] best = null;
        double bestCost = Double.MAX_VALUE;
        for (int q = 0; q < scores.length; q++) {
            double score = Math.abs(scores[q] - d.score());
            double box = boxDifference(d.box(), boxes[q]);
            double cost = (score <= SCORE_TOLERANCE ? 0 : 1e6 + score) + box;
            if (cost < bestCost) {
                bestCost = cost;
                best = new double[] {score, box};
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
