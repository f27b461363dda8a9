package io.brushline.grounding;

import io.brushline.common.messages.Detection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression: keeps the best box of every cluster of overlapping boxes. */
public final class NonMaxSuppression {

    private NonMaxSuppression() {
    }

    /** Candidates ranked by score, best first, without any box overlapping a better one by more than {@code iou}. */
    public static List<Detection> apply(List<Detection> candidates, double iou) {
        List<Detection> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection candidate : sorted) {
            if (kept.stream().noneMatch(k -> k.box().iou(candidate.box()) > iou)) {
                kept.add(candidate);
            }
        }
        return kept;
    }
}
