package io.brushline.grounding.datasets;

import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The instruction that adds a removed object back, "add a dog next to the sofa", from where the object
 * was and the nearest other object in the image (or its place in the frame when there is none). Only
 * relations the classifier's rules read as a placement are used ("to the left of", "to the right of",
 * "on", "above", "below", "in front of", "next to"; "on the left side of the image" without an anchor), so that the instruction is classified as an ADD of that object placed where it was.
 */
public final class AddInstructions {

    /** Labels a plain "a"/"an" does not fit. */
    private static final Map<String, String> COUNTED = Map.of("skis", "a pair of skis", "scissors",
            "a pair of scissors", "broccoli", "some broccoli");

    /** Words that start with a vowel letter but a consonant sound, and beginnings with a silent h. */
    private static final Set<String> A_BEFORE = Set.of("one", "once", "uniform", "unicorn", "unicycle", "user",
            "utensil", "european", "ukulele", "usb", "ufo");
    private static final List<String> AN_BEFORE = List.of("hour", "honest", "honor", "heir");

    /** Classes things are put on: "a cat on the dog" is not what a picture of a cat before a dog shows. */
    private static final Set<String> SURFACES = Set.of("dining table", "table", "desk", "bench", "bed", "couch",
            "sofa", "chair", "car", "truck", "boat", "horse", "motorcycle", "bicycle", "skateboard", "surfboard",
            "snowboard", "suitcase", "toilet", "shelf", "counter");

    private AddInstructions() {
    }

    /**
     * @param object the removed object
     * @param others the other objects detected in the image (the object itself, if present, is ignored)
     * @param width  the image's width, to say where in the frame the object was when there is no other object
     */
    public static String forObject(Detection object, List<Detection> others, int width) {
        String what = withArticle(object.label());
        String label = label(object);
        return others.stream()
                .filter(other -> other != object && !other.box().equals(object.box()))
                // "add a dog next to the dog" would not say which dog is meant
                .filter(other -> !label(other).equals(label))
                .filter(other -> uniqueLabel(other, others))
                .min(Comparator.comparingDouble((Detection other) -> gap(object.box(), other.box()))
                        .thenComparingDouble(other -> centreDistance(object.box(), other.box())))
                .map(anchor -> "add " + what + " " + relation(object.box(), anchor) + " the " + label(anchor))
                .orElseGet(() -> "add " + what + " " + placeInFrame(object.box(), width));
    }

    /** An anchor named "the chair" must be the only chair, or the instruction would not say which. */
    private static boolean uniqueLabel(Detection anchor, List<Detection> all) {
        return all.stream().filter(d -> label(d).equals(label(anchor))).count() == 1;
    }

    private static String label(Detection detection) {
        return detection.label().trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Where the object was relative to the anchor: beside it when its centre is left or right of the
     * anchor; else above or below it when the boxes do not meet; else on it when the anchor is a larger
     * thing to put things on and the object's bottom edge lies within it (a cup on a table, a dog on a
     * bench); in front of it when the anchor is larger or the object reaches lower; else next to it.
     */
    static String relation(Box object, Detection anchorObject) {
        Box anchor = anchorObject.box();
        double cx = (object.x1() + object.x2()) / 2.0;
        if (cx < anchor.x1()) {
            return "to the left of";
        }
        if (cx >= anchor.x2()) {
            return "to the right of";
        }
        if (object.y2() <= anchor.y1()) {
            return "above";
        }
        if (object.y1() >= anchor.y2()) {
            return "below";
        }
        boolean larger = DatasetFilters.area(anchor) > DatasetFilters.area(object);
        if (larger && object.y2() < anchor.y2() && SURFACES.contains(label(anchorObject))) {
            return "on";
        }
        return larger || object.y2() >= anchor.y2() ? "in front of" : "next to";
    }

    /** Without another object: the third of the frame the object's centre is in. */
    static String placeInFrame(Box object, int width) {
        double cx = (object.x1() + object.x2()) / 2.0;
        if (cx < width / 3.0) {
            return "on the left side of the image";
        }
        if (cx >= 2 * width / 3.0) {
            return "on the right side of the image";
        }
        return "in the center of the image";
    }

    /** "a dog", "an apple", "a pair of skis". */
    static String withArticle(String label) {
        String noun = label.trim().toLowerCase(Locale.ROOT);
        String counted = COUNTED.get(noun);
        if (counted != null) {
            return counted;
        }
        String first = noun.split("\\s+")[0];
        boolean vowelSound = AN_BEFORE.stream().anyMatch(first::startsWith)
                || !A_BEFORE.contains(first) && !first.isEmpty() && "aeiou".indexOf(first.charAt(0)) >= 0;
        return (vowelSound ? "an " : "a ") + noun;
    }

    /** Pixels between the boxes' edges; 0 when they overlap. */
    private static double gap(Box a, Box b) {
        int dx = Math.max(0, Math.max(a.x1() - b.x2(), b.x1() - a.x2()));
        int dy = Math.max(0, Math.max(a.y1() - b.y2(), b.y1() - a.y2()));
        return Math.hypot(dx, dy);
    }

    private static double centreDistance(Box a, Box b) {
        return Math.hypot((a.x1() + a.x2() - b.x1() - b.x2()) / 2.0, (a.y1() + a.y2() - b.y1() - b.y2()) / 2.0);
    }
}
