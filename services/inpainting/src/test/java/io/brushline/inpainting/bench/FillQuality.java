package io.brushline.inpainting.bench;

import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Quality of a fill measured inside the hole only (outside it every method returns the input).
 * Native matrices are released as soon as they are used: the Java heap stays small, so the garbage
 * collector would not free them before the machine runs out of memory.
 */
final class FillQuality implements AutoCloseable {

    private static final double C1 = Math.pow(0.01 * 255, 2);
    private static final double C2 = Math.pow(0.03 * 255, 2);
    /** Half the SSIM window: the crop around the hole that the window over the hole's pixels can see. */
    private static final int WINDOW_RADIUS = 5;

    private final List<Mat> scratch = new ArrayList<>();
    private final Mat truth;
    private final Mat filled;
    private final Mat hole;

    /** Measures on the hole's bounding box plus the SSIM window around it. */
    FillQuality(Mat truth, Mat filled, Mat hole) {
        Rect box = Imgproc.boundingRect(hole);
        int x0 = Math.max(0, box.x - WINDOW_RADIUS);
        int y0 = Math.max(0, box.y - WINDOW_RADIUS);
        int x1 = Math.min(hole.cols(), box.x + box.width + WINDOW_RADIUS);
        int y1 = Math.min(hole.rows(), box.y + box.height + WINDOW_RADIUS);
        Rect crop = new Rect(x0, y0, x1 - x0, y1 - y0);
        this.truth = asDouble(truth.submat(crop));
        this.filled = asDouble(filled.submat(crop));
        this.hole = hole.submat(crop);
    }

    /** Peak signal-to-noise ratio in dB over the hole's pixels, all channels. */
    double psnr() {
        Mat diff = temp();
        Core.subtract(truth, filled, diff);
        double mse = meanInHole(diff.mul(diff));
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255 * 255 / mse);
    }

    /**
     * Structural similarity (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5) per channel, averaged
     * over the hole's pixels and the channels.
     */
    double ssim() {
        Mat muX = blur(truth);
        Mat muY = blur(filled);
        Mat muXX = keep(muX.mul(muX));
        Mat muYY = keep(muY.mul(muY));
        Mat muXY = keep(muX.mul(muY));
        Mat sigmaXX = minus(blur(keep(truth.mul(truth))), muXX);
        Mat sigmaYY = minus(blur(keep(filled.mul(filled))), muYY);
        Mat sigmaXY = minus(blur(keep(truth.mul(filled))), muXY);
        Mat luminanceTerms = temp();
        Core.add(muXX, muYY, luminanceTerms);
        Mat contrastTerms = temp();
        Core.add(sigmaXX, sigmaYY, contrastTerms);
        Mat numerator = keep(affine(muXY, 2, C1).mul(affine(sigmaXY, 2, C2)));
        Mat denominator = keep(affine(luminanceTerms, 1, C1).mul(affine(contrastTerms, 1, C2)));
        Mat map = temp();
        Core.divide(numerator, denominator, map);
        return meanInHole(map);
    }

    private double meanInHole(Mat perPixel) {
        keep(perPixel);
        Mat inHole = keep(Mat.zeros(perPixel.size(), perPixel.type()));
        perPixel.copyTo(inHole, hole);
        Scalar sum = Core.sumElems(inHole);
        return (sum.val[0] + sum.val[1] + sum.val[2]) / (3.0 * Core.countNonZero(hole));
    }

    private Mat asDouble(Mat image) {
        Mat out = temp();
        image.convertTo(out, CvType.CV_64FC3);
        return out;
    }

    /** {@code a * image + b} in every channel. */
    private Mat affine(Mat image, double a, double b) {
        Mat out = temp();
        image.convertTo(out, -1, a, b);
        return out;
    }

    private Mat minus(Mat a, Mat b) {
        Mat out = temp();
        Core.subtract(a, b, out);
        return out;
    }

    private Mat blur(Mat image) {
        Mat out = temp();
        Imgproc.GaussianBlur(image, out, new Size(11, 11), 1.5, 1.5, Core.BORDER_REFLECT);
        return out;
    }

    private Mat temp() {
        return keep(new Mat());
    }

    private Mat keep(Mat mat) {
        scratch.add(mat);
        return mat;
    }

    @Override
    public void close() {
        scratch.forEach(Mat::release);
    }
}
