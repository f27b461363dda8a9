package io.brushline.inpainting.cpu;

import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Operations on a masked region (LOCAL: the object; BACKGROUND: everything but the subject). Each
 * returns the whole edited image; the caller keeps only the masked part.
 */
final class RegionEdits {

    /**
     * How far the object's mean lightness moves toward the requested colour's, for a fully saturated
     * colour (the hue carries the request; the rest is the object's shading) and for black, white or grey
     * (lightness is all the request says: "matte black" left at 0.3 gave a mid-grey car). Colours between
     * move by their share of saturation.
     */
    private static final double LIGHTNESS_PULL = 0.3;
    private static final double ACHROMATIC_LIGHTNESS_PULL = 0.8;

    private RegionEdits() {
    }

    /**
     * Recolours in CIE Lab: every pixel gets the requested colour's hue, its lightness keeps the
     * object's shading (only the mean moves toward the requested lightness: a little for a saturated
     * colour, most of the way for black, white or grey), and its chroma is
     * the requested colour's share of the most that sRGB can show at that lightness, so no pixel
     * clips (clipping would shift hue and lightness).
     *
     * @param image  BGR, usually the object's neighbourhood only
     * @param mask   the object, to measure its mean lightness
     * @param colour the requested colour, BGR
     */
    static Mat recolour(Mat image, Mat mask, Scalar colour) {
        Mat target = new Mat(1, 1, CvType.CV_8UC3, colour);
        Imgproc.cvtColor(target, target, Imgproc.COLOR_BGR2Lab);
        double[] targetLab = target.get(0, 0);
        double a = targetLab[1] - 128;
        double b = targetLab[2] - 128;
        double hue = Math.atan2(b, a);
        double[] maxChroma = LabGamut.maxChromaByLightness(hue);
        double share = Math.min(1, Math.hypot(a, b) / Math.max(1e-6, maxChroma[(int) targetLab[0]]));

        Mat lab = new Mat();
        Imgproc.cvtColor(image, lab, Imgproc.COLOR_BGR2Lab);
        List<Mat> channels = new ArrayList<>();
        Core.split(lab, channels);
        double meanL = Core.mean(channels.get(0), mask).val[0];
        Mat lightness = new Mat();
        double pull = LIGHTNESS_PULL + (1 - share) * (ACHROMATIC_LIGHTNESS_PULL - LIGHTNESS_PULL);
        channels.get(0).convertTo(lightness, CvType.CV_8U, 1, pull * (targetLab[0] - meanL));
        // a and b as functions of lightness, applied as lookup tables
        Mat aTable = new Mat(1, 256, CvType.CV_8U);
        Mat bTable = new Mat(1, 256, CvType.CV_8U);
        for (int l = 0; l < 256; l++) {
            double chroma = share * maxChroma[l];
            aTable.put(0, l, clamp(128 + chroma * Math.cos(hue)));
            bTable.put(0, l, clamp(128 + chroma * Math.sin(hue)));
        }
        Mat aChannel = new Mat();
        Mat bChannel = new Mat();
        Core.LUT(lightness, aTable, aChannel);
        Core.LUT(lightness, bTable, bChannel);
        Core.merge(List.of(lightness, aChannel, bChannel), lab);
        Mat result = new Mat();
        Imgproc.cvtColor(lab, result, Imgproc.COLOR_Lab2BGR);
        return result;
    }

    private static double clamp(double value) {
        return Math.max(0, Math.min(255, Math.round(value)));
    }

    /** A strong Gaussian blur (privacy), computed at a quarter of the size: the result is smooth anyway. */
    static Mat blur(Mat image, double sigma) {
        Mat small = new Mat();
        Size smallSize = new Size(Math.max(1, image.cols() / 4), Math.max(1, image.rows() / 4));
        Imgproc.resize(image, small, smallSize, 0, 0, Imgproc.INTER_AREA);
        Imgproc.GaussianBlur(small, small, new Size(0, 0), Math.max(0.5, sigma / 4));
        Mat out = new Mat();
        Imgproc.resize(small, out, image.size(), 0, 0, Imgproc.INTER_LINEAR);
        return out;
    }

    /** Square blocks of {@code block} pixels, each the mean of what it covers. */
    static Mat pixelate(Mat image, int block) {
        Mat small = new Mat();
        Size smallSize = new Size(Math.max(1, Math.ceil(image.cols() / (double) block)),
                Math.max(1, Math.ceil(image.rows() / (double) block)));
        Imgproc.resize(image, small, smallSize, 0, 0, Imgproc.INTER_AREA);
        Mat out = new Mat();
        Imgproc.resize(small, out, image.size(), 0, 0, Imgproc.INTER_NEAREST);
        return out;
    }

    /**
     * Blurs the background with only background pixels: normalised convolution (blur of the masked
     * image over blur of the mask), so the subject's colours do not bleed into the blurred background
     * around it. Computed at a quarter of the size.
     */
    static Mat backgroundBlur(Mat image, Mat backgroundMask, double sigma) {
        Size smallSize = new Size(Math.max(1, image.cols() / 4), Math.max(1, image.rows() / 4));
        Mat small = new Mat();
        Imgproc.resize(image, small, smallSize, 0, 0, Imgproc.INTER_AREA);
        Mat weight = new Mat();
        Imgproc.resize(backgroundMask, weight, smallSize, 0, 0, Imgproc.INTER_AREA);
        weight.convertTo(weight, CvType.CV_32F, 1.0 / 255);
        Mat smallF = new Mat();
        small.convertTo(smallF, CvType.CV_32FC3);
        Mat weight3 = new Mat();
        Imgproc.cvtColor(weight, weight3, Imgproc.COLOR_GRAY2BGR);
        Core.multiply(smallF, weight3, smallF);
        Size kernel = new Size(0, 0);
        double smallSigma = Math.max(0.5, sigma / 4);
        Imgproc.GaussianBlur(smallF, smallF, kernel, smallSigma);
        Imgproc.GaussianBlur(weight3, weight3, kernel, smallSigma);
        Core.max(weight3, new Scalar(1e-4, 1e-4, 1e-4), weight3);
        Core.divide(smallF, weight3, smallF);
        Mat blurred = new Mat();
        smallF.convertTo(blurred, CvType.CV_8UC3);
        Mat out = new Mat();
        Imgproc.resize(blurred, out, image.size(), 0, 0, Imgproc.INTER_LINEAR);
        return out;
    }

    static Mat solid(Mat image, Scalar colour) {
        return new Mat(image.size(), CvType.CV_8UC3, colour);
    }
}
