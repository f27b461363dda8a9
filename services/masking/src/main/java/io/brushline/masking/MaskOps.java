package io.brushline.masking;

import io.brushline.common.messages.Box;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Operations on binary masks: single channel, 0 = keep, 255 = repaint. */
public final class MaskOps {

    private MaskOps() {
    }

    public static Mat empty(int width, int height) {
        return Mat.zeros(height, width, CvType.CV_8UC1);
    }

    public static Mat full(int width, int height) {
        return new Mat(height, width, CvType.CV_8UC1, new Scalar(255));
    }

    public static void fill(Mat mask, Box box) {
        Imgproc.rectangle(mask, new Point(box.x1(), box.y1()), new Point(box.x2() - 1, box.y2() - 1),
                new Scalar(255), Imgproc.FILLED);
    }

    public static Mat ofBox(Box box, int width, int height) {
        Mat mask = empty(width, height);
        fill(mask, box);
        return mask;
    }

    public static Rect rect(Box box) {
        return new Rect(box.x1(), box.y1(), box.width(), box.height());
    }

    /**
     * Grows the mask by {@code radius} pixels with a round structuring element: a new mask, or the same one for 0.
     * Nothing farther than {@code radius} from a set pixel changes, so only the set pixels' bounding box grown
     * by the radius is dilated: a quarter of the work for an object in a quarter of the photo, the same pixels.
     */
    public static Mat dilate(Mat mask, int radius) {
        if (radius <= 0) {
            return mask;
        }
        Mat out = Mat.zeros(mask.size(), mask.type());
        Rect set = Imgproc.boundingRect(mask);
        if (set.area() == 0) {
            return out;
        }
        int x1 = Math.max(0, set.x - radius);
        int y1 = Math.max(0, set.y - radius);
        Rect reach = new Rect(x1, y1, Math.min(mask.cols(), set.x + set.width + radius) - x1,
                Math.min(mask.rows(), set.y + set.height + radius) - y1);
        Mat kernel = Imgproc.getStructuringElement(Imgproc.MORPH_ELLIPSE, new Size(2 * radius + 1, 2 * radius + 1));
        Mat from = mask.submat(reach);
        Mat into = out.submat(reach);
        try {
            Imgproc.dilate(from, into, kernel);
            return out;
        } finally {
            kernel.release();
            from.release();
            into.release();
        }
    }

    public static Mat invert(Mat mask) {
        Mat out = new Mat();
        Core.bitwise_not(mask, out);
        return out;
    }

    public static void union(Mat into, Mat other) {
        Core.bitwise_or(into, other, into);
    }

    /** Fraction of the image that will be repainted. */
    public static double coverage(Mat mask) {
        return (double) Core.countNonZero(mask) / ((double) mask.rows() * mask.cols());
    }

    /** Fraction of the box that the mask covers. */
    public static double coverage(Mat mask, Box box) {
        Mat inBox = mask.submat(rect(box));
        try {
            return (double) Core.countNonZero(inBox) / ((double) box.width() * box.height());
        } finally {
            inBox.release();
        }
    }

    /** Resizes a binary mask and makes it binary again. */
    public static Mat resize(Mat mask, int width, int height) {
        Mat out = new Mat();
        Imgproc.resize(mask, out, new Size(width, height), 0, 0, Imgproc.INTER_LINEAR);
        Imgproc.threshold(out, out, 127, 255, Imgproc.THRESH_BINARY);
        return out;
    }
}
