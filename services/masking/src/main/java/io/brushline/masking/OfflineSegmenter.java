package io.brushline.masking;

import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.Point;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.opencv.core.Mat;

/**
 * Box-to-mask refinement without a promptable segmenter: DeepLabV3's class mask inside the box for
 * the 20 VOC classes, GrabCut for everything else, or the plain box. A refinement that finds almost
 * nothing in the box is distrusted and the box itself is used, so a detected object is never left
 * unmasked.
 */
public final class OfflineSegmenter implements Segmenter {

    /** Below this share of its box, a refined mask has missed the object. */
    static final double MIN_BOX_COVERAGE = 0.08;

    private final MaskingConfig.Refinement refinement;
    private final DeepLabRefiner deepLab;

    /**
     * @param deepLabModel the VOC model, or null to use GrabCut for every class
     */
    public OfflineSegmenter(MaskingConfig.Refinement refinement, Path deepLabModel) {
        this.refinement = refinement;
        this.deepLab = refinement == MaskingConfig.Refinement.auto && deepLabModel != null
                ? new DeepLabRefiner(deepLabModel)
                : null;
    }

    @Override
    public Mat segment(Mat image, List<Detection> boxes, List<Point> points) {
        try (MatScope scope = new MatScope()) {
            Mat mask = scope.add(MaskOps.empty(image.cols(), image.rows()));
            for (Detection detection : boxes) {
                MaskOps.union(mask, refine(image, detection, scope));
            }
            // With a box, GrabCut already has the object's extent; points alone need a region to search.
            List<Point> foreground = points.stream().filter(Point::foreground).toList();
            if (boxes.isEmpty() && !foreground.isEmpty()) {
                Box region = regionAround(foreground, image.cols(), image.rows());
                Mat fromPoints = scope.add(refinement == MaskingConfig.Refinement.box
                        ? MaskOps.ofBox(region, image.cols(), image.rows())
                        : GrabCut.fromPoints(image, region, points));
                MaskOps.union(mask, trusted(fromPoints, region, image, scope));
            }
            return scope.keep(mask);
        }
    }

    /** The box's object mask; every candidate mask is added to {@code scope}. */
    private Mat refine(Mat image, Detection detection, MatScope scope) {
        Box box = detection.box();
        Mat refined = switch (refinement) {
            case box -> scope.add(MaskOps.ofBox(box, image.cols(), image.rows()));
            case grabcut -> scope.add(GrabCut.inBox(image, box));
            case auto -> {
                OptionalInt vocClass = deepLab == null ? OptionalInt.empty() : VocClasses.of(detection.label());
                if (vocClass.isPresent()) {
                    Mat semantic = scope.add(deepLab.inBox(image, box, vocClass.getAsInt()));
                    if (MaskOps.coverage(semantic, box) >= MIN_BOX_COVERAGE) {
                        yield semantic;
                    }
                }
                yield scope.add(GrabCut.inBox(image, box));
            }
        };
        return trusted(refined, box, image, scope);
    }

    private static Mat trusted(Mat refined, Box box, Mat image, MatScope scope) {
        return MaskOps.coverage(refined, box) >= MIN_BOX_COVERAGE ? refined
                : scope.add(MaskOps.ofBox(box, image.cols(), image.rows()));
    }

    /**
     * Where to look for the object marked by points alone: their bounding box grown by a fifth of the
     * image's shorter side, because a click marks a spot on the object, not its extent.
     */
    static Box regionAround(List<Point> foreground, int width, int height) {
        int pad = Math.min(width, height) / 5;
        int x1 = foreground.stream().mapToInt(Point::x).min().orElseThrow() - pad;
        int y1 = foreground.stream().mapToInt(Point::y).min().orElseThrow() - pad;
        int x2 = foreground.stream().mapToInt(Point::x).max().orElseThrow() + 1 + pad;
        int y2 = foreground.stream().mapToInt(Point::y).max().orElseThrow() + 1 + pad;
        return new Box(Math.max(0, x1), Math.max(0, y1), Math.min(width, x2), Math.min(height, y2));
    }

    @Override
    public void close() {
        if (deepLab != null) {
            deepLab.close();
        }
    }
}
