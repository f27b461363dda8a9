package io.brushline.classifier.rules;

import io.brushline.classifier.ImageSize;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Placement;
import java.util.List;
import java.util.Set;

/**
 * Where an added object should go, from the spatial words after it ("in the sky", "on the table", "to
 * the left of the dog"). The relation and anchor travel on so grounding can refine the box once the
 * anchor is detected; the box itself is a plausible region of the frame chosen from the relation alone.
 */
final class PlacementPlanner {

    /** Regions as fractions of the frame: x1, y1, x2, y2. */
    private static final double[] DEFAULT = {0.30, 0.40, 0.70, 0.85};
    private static final double[] SKY = {0.30, 0.05, 0.70, 0.35};
    private static final double[] LEFT = {0.05, 0.35, 0.42, 0.85};
    private static final double[] RIGHT = {0.58, 0.35, 0.95, 0.85};
    private static final double[] GROUND = {0.30, 0.50, 0.70, 0.92};
    private static final double[] ON_TOP = {0.35, 0.15, 0.65, 0.50};
    private static final double[] BELOW = {0.30, 0.60, 0.70, 0.95};
    private static final double[] CENTER = {0.32, 0.32, 0.68, 0.68};

    private static final Set<String> SKY_ANCHORS = Set.of("sky", "air", "clouds", "cloud", "heavens", "horizon",
            "ceiling", "treetops");

    /** Surfaces things stand on: their region is the lower part of the frame. */
    private static final Set<String> GROUND_ANCHORS = Set.of("table", "floor", "ground", "grass", "road", "desk",
            "bed", "bench", "sand", "beach", "water", "lake", "sea", "ocean", "field", "lawn", "street", "sidewalk",
            "counter", "shelf", "sofa", "couch", "carpet", "rug", "snow", "river", "pond", "highway", "path",
            "plate", "tray", "land", "meadow", "grassland", "landscape", "dirt", "mud", "pavement", "platform");

    /** Relations written as word sequences before the anchor, longest first. */
    private static final List<String[]> RELATIONS = List.of(
            new String[] {"to the left side of", "left of"}, new String[] {"on the left side of", "left of"},
            new String[] {"to the right side of", "right of"}, new String[] {"on the right side of", "right of"},
            new String[] {"to the left of", "left of"}, new String[] {"on the left of", "left of"},
            new String[] {"at the left of", "left of"}, new String[] {"to the right of", "right of"},
            new String[] {"on the right of", "right of"}, new String[] {"at the right of", "right of"},
            new String[] {"to the top of", "on top of"}, new String[] {"on the top of", "on top of"},
            new String[] {"at the top of", "on top of"}, new String[] {"to the bottom of", "below"},
            new String[] {"at the bottom of", "below"}, new String[] {"to the inside of", "in"},
            new String[] {"in the center of", "center"}, new String[] {"in the centre of", "center"},
            new String[] {"in the middle of", "center"}, new String[] {"in front of", "in front of"},
            new String[] {"on top of", "on top of"}, new String[] {"next to", "next to"},
            new String[] {"close to", "next to"}, new String[] {"left of", "left of"},
            new String[] {"right of", "right of"}, new String[] {"on the left", "left"},
            new String[] {"on the right", "right"}, new String[] {"to the left", "left"},
            new String[] {"to the right", "right"}, new String[] {"in the center", "center"},
            new String[] {"in the middle", "center"}, new String[] {"atop", "on top of"},
            new String[] {"above", "above"}, new String[] {"over", "above"}, new String[] {"below", "below"},
            new String[] {"beneath", "below"}, new String[] {"under", "below"}, new String[] {"underneath", "below"},
            new String[] {"behind", "behind"}, new String[] {"beside", "next to"}, new String[] {"near", "next to"},
            new String[] {"by", "next to"}, new String[] {"alongside", "next to"}, new String[] {"around", "around"},
            new String[] {"amidst", "around"}, new String[] {"amid", "around"}, new String[] {"among", "around"},
            new String[] {"between", "between"}, new String[] {"inside", "in"}, new String[] {"within", "in"},
            new String[] {"into", "in"}, new String[] {"onto", "on"}, new String[] {"upon", "on"},
            new String[] {"on", "on"}, new String[] {"in", "in"}, new String[] {"at", "at"}, new String[] {"to", "on"});

    private PlacementPlanner() {
    }

    /** Finds the first spatial relation in {@code [from, to)} of the text and proposes a box for it. */
    static Placement plan(Text t, int from, int to, ImageSize image) {
        for (int i = Math.max(0, from); i < Math.min(to, t.size()); i++) {
            for (String[] rel : RELATIONS) {
                String[] seq = rel[0].split(" ");
                if (matchesAt(t, i, seq)) {
                    String anchor = anchorAfter(t, i + seq.length);
                    return placement(rel[1], anchor, image);
                }
            }
        }
        return placement(null, null, image);
    }

    private static String anchorAfter(Text t, int from) {
        Phrase p = Phrase.at(t, from);
        if (p.words().isEmpty() || p.containsAny(Lexicon.IMAGE_WORDS) || p.containsAny(Lexicon.SPATIAL_WORDS)) {
            return null;
        }
        return p.text();
    }

    /** A placement for a relation and anchor already known. */
    static Placement placement(String relation, String anchor, ImageSize image) {
        if (relation != null && anchor == null && Set.of("on", "in", "at", "on top of", "next to").contains(relation)) {
            relation = null;
        }
        double[] region = region(relation, anchor);
        Box box = image == null ? null : toBox(region, image);
        return new Placement(box, relation, anchor);
    }

    private static double[] region(String relation, String anchor) {
        String head = anchor == null ? "" : anchor.substring(anchor.lastIndexOf(' ') + 1);
        if (SKY_ANCHORS.contains(head) || "above".equals(relation) && anchor == null) {
            return SKY;
        }
        if (relation == null) {
            return DEFAULT;
        }
        return switch (relation) {
            case "left", "left of" -> LEFT;
            case "right", "right of" -> RIGHT;
            case "above", "on top of" -> ON_TOP;
            case "below" -> BELOW;
            case "center" -> CENTER;
            case "on", "in", "at" -> GROUND_ANCHORS.contains(head) ? GROUND : DEFAULT;
            default -> DEFAULT;
        };
    }

    private static Box toBox(double[] r, ImageSize image) {
        int w = image.width();
        int h = image.height();
        int x1 = (int) Math.round(r[0] * w);
        int y1 = (int) Math.round(r[1] * h);
        int x2 = Math.max(x1 + 1, Math.min(w, (int) Math.round(r[2] * w)));
        int y2 = Math.max(y1 + 1, Math.min(h, (int) Math.round(r[3] * h)));
        return new Box(x1, y1, x2, y2);
    }

    private static boolean matchesAt(Text t, int i, String[] seq) {
        for (int j = 0; j < seq.length; j++) {
            if (!t.get(i + j).equals(seq[j])) {
                return false;
            }
        }
        return true;
    }
}
