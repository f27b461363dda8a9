package io.brushline.grounding;

import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Grounding;
import io.brushline.common.messages.Hints;
import io.brushline.common.messages.Placement;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.opencv.core.Mat;

/**
 * Step 3a, per category: hints win over detection, GLOBAL needs no location, ADD gets a placement
 * box, and LOCAL/REMOVE/BACKGROUND get the detected instances of the object phrase, ranked by score.
 * The image is decoded only when a detector has to look at it.
 */
public final class Grounder {

    private final ObjectDetector detector;

    public Grounder(ObjectDetector detector) {
        this.detector = detector;
    }

    /**
     * @param image decodes the source image; called at most once, and only when a detector has to look
     *              at pixels. The decoded image is the job's: it is released when this method returns.
     */
    public Grounding ground(EditJob job, Supplier<Mat> image) {
        try (MatScope scope = new MatScope()) {
            return locate(job, scope.once(image));
        }
    }

    private Grounding locate(EditJob job, Supplier<Mat> image) {
        Classification classification = job.classification();
        int width = job.source().width();
        int height = job.source().height();
        Hints hints = job.hints();
        if (hints != null && !hints.isEmpty()) {
            return fromHints(hints, classification, width, height);
        }
        Category category = classification.category();
        return switch (category) {
            case GLOBAL -> new Grounding(Grounding.NOT_NEEDED, List.of());
            case ADD -> placement(classification, image, width, height);
            case BACKGROUND -> isBlank(classification.object()) ? mainSubject(image.get())
                    : detection(classification.object(), image.get());
            case LOCAL, REMOVE -> detection(classification.object(), image.get());
        };
    }

    /** A box hint is the location; a mask or points are left for the masking stage to turn into a mask. */
    private static Grounding fromHints(Hints hints, Classification classification, int width, int height) {
        if (hints.box() == null) {
            return new Grounding(Grounding.HINT, List.of());
        }
        if (!hints.box().fitsIn(width, height)) {
            throw new StageFailure(FailureCodes.INVALID_HINT, "the hint box " + describe(hints.box())
                    + " does not lie within the " + width + "x" + height + " image");
        }
        String label = classification == null || classification.object() == null ? "hint" : classification.object();
        return new Grounding(Grounding.HINT, List.of(new Detection(hints.box(), label, 1.0)));
    }

    private Grounding detection(String object, Mat image) {
        if (isBlank(object)) {
            throw new StageFailure(FailureCodes.OBJECT_NOT_FOUND,
                    "the instruction names no object to look for; say which object, or give a box or mask hint");
        }
        DetectionOutcome outcome = detector.detect(image, object);
        if (outcome.detections().isEmpty()) {
            throw new StageFailure(FailureCodes.OBJECT_NOT_FOUND, String.format(Locale.ROOT,
                    "no %s found in the image (best score %.2f < threshold %.2f)", object, outcome.bestScore(),
                    outcome.threshold()));
        }
        return new Grounding(Grounding.DETECTOR, outcome.selected());
    }

    /**
     * "Change the background to a beach" names no subject: keep the most prominent object (largest
     * area times score) and every other object at least a quarter its size, so a group stays whole.
     */
    private Grounding mainSubject(Mat image) {
        DetectionOutcome outcome = detector.detectAny(image);
        if (outcome.detections().isEmpty()) {
            throw new StageFailure(FailureCodes.OBJECT_NOT_FOUND, String.format(Locale.ROOT,
                    "no subject found to keep in front of the new background (best score %.2f < threshold %.2f);"
                            + " name it, as in 'replace the background behind the dog'",
                    outcome.bestScore(), outcome.threshold()));
        }
        Detection main = outcome.detections().stream()
                .max(Comparator.comparingDouble(d -> d.score() * area(d.box())))
                .orElseThrow();
        List<Detection> subjects = outcome.detections().stream()
                .filter(d -> area(d.box()) >= area(main.box()) / 4)
                .toList();
        return new Grounding(Grounding.DETECTOR, subjects);
    }

    private static double area(Box box) {
        return (double) box.width() * box.height();
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    /**
     * The classifier's box, moved next to the anchor object when the anchor is found. An anchor the
     * detector cannot find or does not know is not an error: the proposed box still says where.
     */
    private Grounding placement(Classification classification, Supplier<Mat> image, int width, int height) {
        Placement placement = classification.placement();
        String label = classification.object() == null ? "object" : classification.object();
        Box box = PlacementPlanner.withoutAnchor(placement, width, height);
        if (placement != null && placement.anchor() != null && !placement.anchor().isBlank()) {
            try {
                List<Detection> anchors = detector.detect(image.get(), placement.anchor()).detections();
                if (!anchors.isEmpty()) {
                    box = PlacementPlanner.nextTo(anchors.get(0).box(), placement.relation(), width, height);
                }
            } catch (StageFailure unknownAnchor) {
                // keep the proposed box
            }
        }
        return new Grounding(Grounding.PLACEMENT, List.of(new Detection(box, label, 1.0)));
    }

    private static String describe(Box box) {
        return "[" + box.x1() + ", " + box.y1() + ", " + box.x2() + ", " + box.y2() + "]";
    }
}
