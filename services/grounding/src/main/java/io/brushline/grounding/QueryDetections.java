package io.brushline.grounding;

import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * Turns the per-query outputs of the open-vocabulary detectors (a logit and a normalised (cx, cy, w, h)
 * box for every query) into source-pixel detections: sigmoid score, threshold, clipping, NMS.
 */
final class QueryDetections {

    private QueryDetections() {
    }

    /**
     * @param logit the query's logit, by query index
     * @param boxes [queries, 4] normalised (cx, cy, w, h)
     * @param boxWidth what a normalised x and w are multiplied by to give source pixels
     * @param boxHeight what a normalised y and h are multiplied by to give source pixels
     * @param width the source image's width, the box is clipped to it
     * @param height the source image's height, the box is clipped to it
     */
    static DetectionOutcome decode(IntToDoubleFunction logit, float[] boxes, int boxWidth, int boxHeight,
            String label, int width, int height, double threshold, double nmsIou, boolean allInstances) {
        int queries = boxes.length / 4;
        List<Detection> candidates = new ArrayList<>();
        double best = 0;
        for (int q = 0; q < queries; q++) {
            double score = 1 / (1 + Math.exp(-logit.applyAsDouble(q)));
            best = Math.max(best, score);
            if (score < threshold) {
                continue;
            }
            // float times int is float arithmetic; a double scale would round some box edges differently
            double cx = boxes[q * 4] * boxWidth;
            double cy = boxes[q * 4 + 1] * boxHeight;
            double w = boxes[q * 4 + 2] * boxWidth;
            double h = boxes[q * 4 + 3] * boxHeight;
            Box box = Boxes.clipped(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, width, height);
            if (box != null) {
                candidates.add(new Detection(box, label, score));
            }
        }
        return new DetectionOutcome(NonMaxSuppression.apply(candidates, nmsIou), best, threshold, allInstances);
    }
}
