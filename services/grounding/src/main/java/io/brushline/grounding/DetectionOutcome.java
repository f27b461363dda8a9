package io.brushline.grounding;

import io.brushline.common.messages.Detection;
import java.util.List;

/**
 * What a detector found for one phrase. An empty {@code detections} list is the explicit "nothing
 * matched" answer; {@code bestScore} (possibly under the threshold) lets the user judge how close it was.
 *
 * @param detections instances at or above the threshold after non-maximum suppression, best first
 * @param allInstances whether the phrase asked for every instance ("all the dogs") or just the best one
 */
public record DetectionOutcome(List<Detection> detections, double bestScore, double threshold,
        boolean allInstances) {

    /** The instances the edit should use: all of them for plural phrases, else the best one. */
    public List<Detection> selected() {
        return allInstances || detections.isEmpty() ? detections : detections.subList(0, 1);
    }
}
