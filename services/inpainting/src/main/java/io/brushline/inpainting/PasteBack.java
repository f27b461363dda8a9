package io.brushline.inpainting;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
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
     * @return a new image; the caller releases it
     */
    public static Mat compose(Mat source, Mat painted, Mat mask, int featherPx) {
        if (!source.size().equals(painted.size()) || !source.size().equals(mask.size())) {
            throw new IllegalArgumentException("source " + source.size() + ", painted " + painted.size()
                    + " and mask " + mask.size() + " must have the same size");
        }
        Mat result = source.clone();
        Rect box = Imgproc.boundingRect(mask);
        if (box.width == 0) {
            return result;
        }
        // Only the mask's bounding box changes. One pixel of margin, all zero in the mask, keeps the
        // distance transform exact: a pixel's nearest zero outside the margin is never nearer than the
        // margin pixel on the way to it (clamping a point to a box containing the pixel only brings it closer).
        Rect region = Mats.grown(box, 1, mask.cols(), mask.rows());
        Mat sourceRegion = source.submat(region);
        Mat paintedRegion = painted.submat(region);
        Mat maskRegion = mask.submat(region);
        Mat resultRegion = result.submat(region);
        Mat alpha = featherAlpha(maskRegion, featherPx);
        Mat keep = new Mat();
        Mat blended = new Mat();
        Mat inside = new Mat();
        try {
            alpha.convertTo(keep, CvType.CV_32F, -1, 1);
            // out = alpha * painted + (1 - alpha) * source, in one pass over the 8-bit pixels of the box;
            // copying only where the mask is set keeps every other pixel the source's, bit for bit
            Imgproc.blendLinear(paintedRegion, sourceRegion, alpha, keep, blended);
            Core.compare(maskRegion, new Scalar(0), inside, Core.CMP_GT);
            blended.copyTo(resultRegion, inside);
            return result;
        } finally {
            Mats.release(sourceRegion, paintedRegion, maskRegion, resultRegion, alpha, keep, blended, inside);
        }
    }

    /** 1 deep inside the mask, ramping down towards its edge, 0 outside; {@code CV_32FC1}. */
    public static Mat featherAlpha(Mat mask, int featherPx) {
        Mat inside = new Mat();
        Mat distance = new Mat();
        Mat alpha = new Mat();
        try {
            Core.compare(mask, new Scalar(0), inside, Core.CMP_GT);
            if (featherPx <= 0) {
                inside.convertTo(alpha, CvType.CV_32F, 1.0 / 255);
                return alpha;
            }
            // Distance of each mask pixel to the nearest kept pixel: 1 at the edge, growing inwards.
            Imgproc.distanceTransform(inside, distance, Imgproc.DIST_L2, Imgproc.DIST_MASK_PRECISE);
            Core.multiply(distance, new Scalar(1.0 / (featherPx + 1)), alpha);
            Core.min(alpha, new Scalar(1.0), alpha);
            return alpha;
        } finally {
            Mats.release(inside, distance);
        }
    }
}
