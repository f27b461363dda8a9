package io.brushline.inpainting;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * Puts painted pixels back into the source. Every pixel outside the mask is the source pixel,
 * bit for bit; inside the mask the painted pixels fade in over {@code featherPx} from the mask's edge,
 * so the seam is soft without touching anything outside the mask (the reference implementation
 * blends 50/50 over the whole image instead).
 */
public final class PasteBack {

    private PasteBack() {
    }

    /**
     * @param source    BGR {@code CV_8UC3}
     * @param painted   BGR {@code CV_8UC3}, same size as the source
     * @param mask      {@code CV_8UC1} 0/255, same size, 255 = repainted
     * @param featherPx width of the fade inside the mask; 0 for a hard edge
     */
    public static Mat compose(Mat source, Mat painted, Mat mask, int featherPx) {
        if (!source.size().equals(painted.size()) || !source.size().equals(mask.size())) {
            throw new IllegalArgumentException("source " + source.size() + ", painted " + painted.size()
                    + " and mask " + mask.size() + " must have the same size");
        }
        Mat alpha = featherAlpha(mask, featherPx);
        Mat keep = new Mat();
        Core.subtract(Mat.ones(alpha.size(), CvType.CV_32F), alpha, keep);
        // out = alpha * painted + (1 - alpha) * source, in one pass over the 8-bit images
        Mat result = new Mat();
        Imgproc.blendLinear(painted, source, alpha, keep, result);
        // The blend already gives the source back where alpha is 0; copying makes it a guarantee.
        Mat outside = new Mat();
        Core.compare(mask, new Scalar(0), outside, Core.CMP_EQ);
        source.copyTo(result, outside);
        return result;
    }

    /** 1 deep inside the mask, ramping down towards its edge, 0 outside; {@code CV_32FC1}. */
    public static Mat featherAlpha(Mat mask, int featherPx) {
        Mat inside = new Mat();
        Core.compare(mask, new Scalar(0), inside, Core.CMP_GT);
        Mat alpha = new Mat();
        if (featherPx <= 0) {
            inside.convertTo(alpha, CvType.CV_32F, 1.0 / 255);
            return alpha;
        }
        // Distance of each mask pixel to the nearest kept pixel: 1 at the edge, growing inwards.
        Mat distance = new Mat();
        Imgproc.distanceTransform(inside, distance, Imgproc.DIST_L2, Imgproc.DIST_MASK_PRECISE);
        Core.multiply(distance, new Scalar(1.0 / (featherPx + 1)), alpha);
        Core.min(alpha, new Scalar(1.0), alpha);
        return alpha;
    }
}
