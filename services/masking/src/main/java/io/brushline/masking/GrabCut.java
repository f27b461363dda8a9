package io.brushline.masking;

import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Point;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Classical foreground extraction inside a box (OpenCV GrabCut). It runs on the box plus a margin of
 * context, scaled down to at most {@link #WORK_SIZE} pixels on the long side so that a 2048-pixel
 * photo costs the same as a small one.
 */
final class GrabCut {

    private static final int WORK_SIZE = 320;
    private static final int ITERATIONS = 4;
    private static final double MARGIN = 0.15;

    private GrabCut() {
    }

    /** The object inside {@code box}: 0/255, image-sized, zero outside the box. */
    static Mat inBox(Mat image, Box box) {
        Box context = expand(box, MARGIN, image.cols(), image.rows());
        if ((double) box.width() * box.height() >= 0.95 * context.width() * context.height()) {
            // No background around the box to learn from: GrabCut would have nothing to separate.
            return MaskOps.ofBox(box, image.cols(), image.rows());
        }
        double scale = Math.min(1.0, (double) WORK_SIZE / Math.max(context.width(), context.height()));
        try (MatScope scope = new MatScope()) {
            Mat work = scaled(image, context, scale, scope);
            Rect rect = new Rect(
                    (int) Math.floor((box.x1() - context.x1()) * scale),
                    (int) Math.floor((box.y1() - context.y1()) * scale),
                    Math.max(1, (int) Math.round(box.width() * scale)),
                    Math.max(1, (int) Math.round(box.height() * scale)));
            rect.width = Math.min(rect.width, work.cols() - rect.x);
            rect.height = Math.min(rect.height, work.rows() - rect.y);
            Mat labels = scope.mat();
            Imgproc.grabCut(work, labels, rect, scope.mat(), scope.mat(), ITERATIONS, Imgproc.GC_INIT_WITH_RECT);
            return toImageMask(labels, context, box, image, scope);
        }
    }

    /**
     * The object marked by point hints: foreground points are certain object pixels, background points
     * certain background, and the object is searched for within {@code region}.
     */
    static Mat fromPoints(Mat image, Box region, List<Point> points) {
        Box context = expand(region, MARGIN, image.cols(), image.rows());
        double scale = Math.min(1.0, (double) WORK_SIZE / Math.max(context.width(), context.height()));
        try (MatScope scope = new MatScope()) {
            Mat work = scaled(image, context, scale, scope);
            Mat labels = scope.add(new Mat(work.rows(), work.cols(), CvType.CV_8UC1, new Scalar(Imgproc.GC_PR_BGD)));
            Imgproc.rectangle(labels,
                    new org.opencv.core.Point((region.x1() - context.x1()) * scale,
                            (region.y1() - context.y1()) * scale),
                    new org.opencv.core.Point((region.x2() - context.x1()) * scale - 1,
                            (region.y2() - context.y1()) * scale - 1),
                    new Scalar(Imgproc.GC_PR_FGD), Imgproc.FILLED);
            int radius = Math.max(2, (int) Math.round(Math.min(work.cols(), work.rows()) * 0.02));
            for (Point p : points) {
                var centre = new org.opencv.core.Point((p.x() - context.x1()) * scale,
                        (p.y() - context.y1()) * scale);
                Imgproc.circle(labels, centre, radius,
                        new Scalar(p.foreground() ? Imgproc.GC_FGD : Imgproc.GC_BGD), Imgproc.FILLED);
            }
            Imgproc.grabCut(work, labels, new Rect(), scope.mat(), scope.mat(), ITERATIONS,
                    Imgproc.GC_INIT_WITH_MASK);
            return toImageMask(labels, context, region, image, scope);
        }
    }

    /**
     * Definite and probable foreground, back at source scale and clipped to {@code keep}: a new mask,
     * kept out of {@code scope}, which gets the temporaries.
     */
    private static Mat toImageMask(Mat labels, Box context, Box keep, Mat image, MatScope scope) {
        Mat definite = scope.mat();
        Mat probable = scope.mat();
        Core.compare(labels, new Scalar(Imgproc.GC_FGD), definite, Core.CMP_EQ);
        Core.compare(labels, new Scalar(Imgproc.GC_PR_FGD), probable, Core.CMP_EQ);
        Core.bitwise_or(definite, probable, definite);
        Mat contextMask = scope.add(MaskOps.resize(definite, context.width(), context.height()));
        Mat full = scope.add(MaskOps.empty(image.cols(), image.rows()));
        contextMask.copyTo(scope.add(full.submat(MaskOps.rect(context))));
        Mat clip = scope.add(MaskOps.ofBox(keep, image.cols(), image.rows()));
        Core.bitwise_and(full, clip, full);
        return scope.keep(full);
    }

    /** The {@code context} part of the image, scaled; owned by {@code scope}. */
    private static Mat scaled(Mat image, Box context, double scale, MatScope scope) {
        Mat part = scope.add(image.submat(MaskOps.rect(context)));
        if (scale >= 1.0) {
            return scope.add(part.clone());
        }
        Mat out = scope.mat();
        Imgproc.resize(part, out, new Size(Math.max(1, Math.round(part.cols() * scale)),
                Math.max(1, Math.round(part.rows() * scale))), 0, 0, Imgproc.INTER_AREA);
        return out;
    }

    /** The box grown by {@code fraction} of its size on every side, clipped to the image. */
    static Box expand(Box box, double fraction, int width, int height) {
        int dx = (int) Math.round(box.width() * fraction);
        int dy = (int) Math.round(box.height() * fraction);
        return new Box(Math.max(0, box.x1() - dx), Math.max(0, box.y1() - dy), Math.min(width, box.x2() + dx),
                Math.min(height, box.y2() + dy));
    }
}
