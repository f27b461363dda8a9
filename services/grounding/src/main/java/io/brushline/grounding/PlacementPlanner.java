package io.brushline.grounding;

import io.brushline.common.messages.Box;
import io.brushline.common.messages.Placement;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Where an ADD edit puts the new object. The classifier proposes a box and a relation to an anchor
 * object ("a cat to the left of the dog"); once the anchor has been detected the box is placed next
 * to it, with the anchor's size and standing on the same ground line, because that is what people
 * mean by such relations.
 */
public final class PlacementPlanner {

    private PlacementPlanner() {
    }

    /** The proposed box, or a centred box of a third of the image when there is none. */
    public static Box withoutAnchor(Placement placement, int width, int height) {
        if (placement != null && placement.box() != null && placement.box().fitsIn(width, height)) {
            return placement.box();
        }
        return new Box(width / 3, height / 3, width - width / 3, height - height / 3);
    }

    /** A box of the anchor's size placed as the relation says, kept inside the image. */
    public static Box nextTo(Box anchor, String relation, int width, int height) {
        Set<String> r = relation == null ? Set.of()
                : Set.copyOf(Arrays.asList(relation.toLowerCase(Locale.ROOT).split("[^a-z]+")));
        int w = anchor.width();
        int h = anchor.height();
        int x1;
        int y1;
        if (r.contains("left")) {
            x1 = anchor.x1() - w;
            y1 = anchor.y2() - h;
        } else if (r.contains("right") || r.contains("next") || r.contains("beside") || r.contains("near")
                || r.contains("by") || r.contains("besides")) {
            x1 = anchor.x2() + w <= width || anchor.x1() - w < 0 ? anchor.x2() : anchor.x1() - w;
            y1 = anchor.y2() - h;
        } else if (r.contains("above") || r.contains("over") || r.contains("on") || r.contains("top")) {
            h = Math.max(1, h / 2);
            x1 = anchor.x1() + (anchor.width() - w) / 2;
            y1 = anchor.y1() - h;
        } else if (r.contains("below") || r.contains("under") || r.contains("beneath")) {
            h = Math.max(1, h / 2);
            x1 = anchor.x1();
            y1 = anchor.y2();
        } else {
            // "in front of", "behind", "with": overlap the anchor's lower half.
            x1 = anchor.x1();
            y1 = anchor.y1() + h / 2;
        }
        w = Math.min(w, width);
        h = Math.min(h, height);
        x1 = Math.max(0, Math.min(x1, width - w));
        y1 = Math.max(0, Math.min(y1, height - h));
        return new Box(x1, y1, x1 + w, y1 + h);
    }
}
