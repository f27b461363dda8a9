package io.brushline.masking;

import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.Point;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
        Optional<Mat> plain = withoutPixels(image.cols(), image.rows(), boxes, points);
        if (plain.isPresent()) {
            return plain.get();
        }
        try (MatScope scope = new MatScope()) {
            Mat mask = scope.add(MaskOps.empty(image.cols(), image.rows()));
            for (Detection detection : boxes) {
                MaskOps.union(mask, refine(image, detection, scope));
            }
            // With a box, GrabCut already has the object's extent; points alone need a region to search.
            List<Point> foreground = foreground(points);
            if (boxes.isEmpty() && !foreground.isEmpty()) {
                Box region = regionAround(foreground, image.cols(), image.rows());
                MaskOps.union(mask, trusted(scope.add(GrabCut.fromPoints(image, region, points)), region, image, scope));
            }
            return scope.keep(mask);
        }
    }

    /** The plain box refinement: the boxes themselves, or the region around the points when there are none. */
    @Override
    public Optional<Mat> withoutPixels(int width, int height, List<Detection> boxes, List<Point> points) {
        if (refinement != MaskingConfig.Refinement.box) {
            return Optional.empty();
        }
        Mat mask = MaskOps.empty(width, height);
        boxes.forEach(detection -> MaskOps.fill(mask, detection.box()));
        List<Point> foreground = foreground(points);
        if (boxes.isEmpty() && !foreground.isEmpty()) {
            MaskOps.fill(mask, regionAround(foreground, width, height));
        }
        return Optional.of(mask);
    }

    private static List<Point> foreground(List<Point> points) {
        return points.stream().filter(Point::foreground).toList();
    }

    /** The box's object mask; every candidate mask is added to {@code scope}. */
    private Mat refine(Mat image, Detection detection, MatScope scope) {
        Box box = detection.box();
        OptionalInt vocClass = deepLab == null ? OptionalInt.empty() : VocClasses.of(detection.label());
        if (vocClass.isPresent()) {
            Mat semantic = scope.add(deepLab.inBox(image, box, vocClass.getAsInt()));
            if (MaskOps.coverage(semantic, box) >= MIN_BOX_COVERAGE) {
                return semantic;
            }
        }
        return trusted(scope.add(GrabCut.inBox(image, box)), box, image, scope);
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
