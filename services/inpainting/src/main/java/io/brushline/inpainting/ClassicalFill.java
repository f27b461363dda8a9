package io.brushline.inpainting;

import java.util.Locale;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.photo.Photo;

/**
 * Fills the hole from its surroundings without a generative model. Suited to REMOVE only: it cannot
 * draw anything new. docs/painting.md compares the methods on holes with known ground truth.
 *
 * <p>The fill works on the hole's bounding box plus some context, scaled down when that region is
 * larger than {@code maxSide}: the cost of these methods grows with the hole's area, and a large hole
 * gets a smooth fill either way.
 */
public final class ClassicalFill implements Painter {

    /** The fill methods. */
    public enum Method {
        /** OpenCV photo module: Telea's fast marching. */
        TELEA,
        /** OpenCV photo module: Navier-Stokes based. */
        NAVIER_STOKES,
        /** OpenCV xphoto: frequency-selective reconstruction, fast variant. */
        FSR_FAST,
        /** OpenCV xphoto: frequency-selective reconstruction, best variant (seconds per hole). */
        FSR_BEST,
        /** OpenCV xphoto: shift-map (copies patches from elsewhere in the region). */
        SHIFT_MAP,
        /** Exemplar-based, coarse to fine, with PatchMatch search (see {@link PatchMatchFill}). */
        PATCH_MATCH
    }

    private final Method method;
    private final double radius;
    private final int maxSide;

    /**
     * @param radius  neighbourhood radius of Telea and Navier-Stokes, in pixels
     * @param maxSide the longest side the fill works at; larger regions are scaled down for it
     */
    public ClassicalFill(Method method, double radius, int maxSide) {
        this.method = method;
        this.radius = radius;
        this.maxSide = maxSide;
        if (method == Method.FSR_FAST || method == Method.FSR_BEST || method == Method.SHIFT_MAP) {
            // Loading the contrib natives takes about a second: pay it at start-up, not in the first job.
            XphotoInpaint.loadNatives();
        }
    }

    @Override
    public String name() {
        return "classical-" + method.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The name with the radius where the method uses one. */
    @Override
    public String toString() {
        boolean usesRadius = method == Method.TELEA || method == Method.NAVIER_STOKES;
        return usesRadius ? name() + " r=" + (int) radius : name();
    }

    @Override
    public Mat paint(PaintRequest request) {
        Mat image = request.image();
        Mat mask = request.mask();
        Rect hole = Imgproc.boundingRect(mask);
        Mat out = image.clone();
        if (hole.width == 0) {
            return out;
        }
        Rect region = withContext(hole, image.cols(), image.rows());
        Mat regionImage = image.submat(region);
        Mat regionMask = mask.submat(region);
        Mat smallImage = new Mat();
        Mat smallMask = new Mat();
        Mat smallFilled = null;
        Mat kernel = null;
        Mat filled = null;
        Mat target = null;
        try {
            double scale = Math.min(1.0, (double) maxSide / Math.max(region.width, region.height));
            if (scale < 1.0) {
                Size small = new Size(Math.max(1, Math.round(region.width * scale)),
                        Math.max(1, Math.round(region.height * scale)));
                Imgproc.resize(regionImage, smallImage, small, 0, 0, Imgproc.INTER_AREA);
                // Nearest keeps the mask binary; any pixel of the hole must stay inside the smaller hole.
                Imgproc.resize(regionMask, smallMask, small, 0, 0, Imgproc.INTER_NEAREST);
                kernel = Imgproc.getStructuringElement(Imgproc.MORPH_RECT, new Size(3, 3));
                Imgproc.dilate(smallMask, smallMask, kernel);
                smallFilled = fill(smallImage, smallMask);
                filled = new Mat();
                Imgproc.resize(smallFilled, filled, region.size(), 0, 0, Imgproc.INTER_CUBIC);
            } else {
                filled = fill(regionImage, regionMask);
            }
            target = out.submat(region);
            filled.copyTo(target, regionMask);
            return out;
        } finally {
            // released now rather than when finalised; a fill may hand back its input, released the same
            Mats.release(regionImage, regionMask, smallImage, smallMask, smallFilled, kernel, filled, target);
        }
    }

    private Mat fill(Mat image, Mat mask) {
        return switch (method) {
            case TELEA -> photoInpaint(image, mask, Photo.INPAINT_TELEA);
            case NAVIER_STOKES -> photoInpaint(image, mask, Photo.INPAINT_NS);
            case FSR_FAST -> XphotoInpaint.fsrFast(image, mask);
            case FSR_BEST -> XphotoInpaint.fsrBest(image, mask);
            case SHIFT_MAP -> XphotoInpaint.shiftMap(image, mask);
            case PATCH_MATCH -> PatchMatchFill.fill(image, mask);
        };
    }

    private Mat photoInpaint(Mat image, Mat mask, int flag) {
        Mat out = new Mat();
        Photo.inpaint(image, mask, out, radius, flag);
        return out;
    }

    /** The hole's box grown by half its long side (at least 16 px) on every side, within the image. */
    private static Rect withContext(Rect hole, int width, int height) {
        return Mats.grown(hole, Math.max(16, Math.max(hole.width, hole.height) / 2), width, height);
    }
}
