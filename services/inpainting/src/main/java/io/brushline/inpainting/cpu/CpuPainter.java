package io.brushline.inpainting.cpu;

import io.brushline.common.messages.CpuOperation;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import io.brushline.inpainting.Mats;
import io.brushline.inpainting.PasteBack;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The CPU tier: runs one operation of the catalogue on the masked region and pastes it back with a
 * feathered edge, so every pixel outside the mask stays exactly as it was. Exact, deterministic and
 * cheap: no model, no GPU.
 */
public final class CpuPainter {

    /**
     * The edited image (BGR, or BGRA for a transparent background) and what the user should know
     * about how it was made (null when nothing).
     */
    public record Painted(Mat image, String note) {
    }

    /**
     * @param source     BGR {@code CV_8UC3}
     * @param mask       {@code CV_8UC1} 0/255 at the source's size, 255 = the region to edit
     * @param featherPx  width of the fade inside the mask's edge
     * @param background decodes the client's background image (only {@code background-image} calls it)
     */
    public Painted paint(CpuOperation operation, Map<String, String> params, Mat source, Mat mask, int featherPx,
            Supplier<Mat> background) {
        if (!source.size().equals(mask.size())) {
            throw new StageFailure(FailureCodes.INTERNAL, "the mask is " + mask.cols() + "x" + mask.rows()
                    + " but the source image is " + source.cols() + "x" + source.rows());
        }
        int covered = Core.countNonZero(mask);
        if (covered == 0) {
            throw new StageFailure(FailureCodes.EMPTY_MASK, emptyMaskReason(operation));
        }
        Params p = new Params(params);
        boolean whole = covered == mask.total();
        return switch (operation.category()) {
            case GLOBAL -> new Painted(pasteBack(source, global(operation, p, source), mask, featherPx, whole), null);
            case LOCAL -> new Painted(local(operation, p, source, mask, featherPx), null);
            case BACKGROUND -> background(operation, p, source, mask, featherPx, whole, background);
            default -> throw new StageFailure(FailureCodes.INTERNAL,
                    operation.wireName() + " is not an operation of the CPU tier");
        };
    }

    private static String emptyMaskReason(CpuOperation operation) {
        return switch (operation.category()) {
            case BACKGROUND -> "there is no background to edit: the subject covers the whole image";
            default -> "the region to edit is empty, so there is nothing to " + operation.wireName()
                    + "; give a mask, box or points that cover the object";
        };
    }

    static Mat global(CpuOperation operation, Params p, Mat image) {
        return switch (operation) {
            case GREYSCALE -> GlobalEdits.greyscale(image);
            case SEPIA -> GlobalEdits.sepia(image, p.number("strength", 1.0, 0, 1));
            case TEMPERATURE -> GlobalEdits.temperature(image, p.number("shift", 20, -100, 100));
            case BRIGHTNESS -> GlobalEdits.brightness(image, p.number("amount", 0.15, -1, 1));
            case CONTRAST -> GlobalEdits.contrast(image, p.number("factor", 1.3, 0, 4));
            case EXPOSURE -> GlobalEdits.exposure(image, p.number("stops", 0.7, -4, 4));
            case AUTO_LEVELS -> GlobalEdits.autoLevels(image, p.number("clip_limit", 2.0, 0.5, 10));
            case LOW_LIGHT -> GlobalEdits.lowLight(image, p.number("gamma", 0.6, 0.2, 1));
            case DENOISE -> GlobalEdits.denoise(image, p.number("strength", 6, 1, 30));
            case DEHAZE -> GlobalEdits.dehaze(image, p.number("omega", 0.9, 0.1, 1));
            case SHARPEN -> GlobalEdits.sharpen(image, p.number("amount", 1.0, 0, 5), p.number("sigma", 2.0, 0.5, 20));
            case STYLIZATION -> GlobalEdits.stylization(image);
            case PENCIL_SKETCH -> GlobalEdits.pencilSketch(image);
            case EDGE_PRESERVING -> GlobalEdits.edgePreserving(image);
            case OIL_PAINTING -> GlobalEdits.oilPainting(image, (int) p.number("size", 7, 1, 31));
            case CARTOON -> GlobalEdits.cartoon(image);
            default -> throw new IllegalArgumentException(operation + " is not a GLOBAL operation");
        };
    }

    /** Works on the mask's bounding box (grown by the feather) only: an object is usually a small part. */
    private static Mat local(CpuOperation operation, Params p, Mat source, Mat mask, int featherPx) {
        Rect region = Mats.grown(Imgproc.boundingRect(mask), featherPx + 2, mask.cols(), mask.rows());
        Mat roi = source.submat(region);
        Mat roiMask = mask.submat(region);
        Mat edited = null;
        Mat pasted = null;
        Mat target = null;
        try {
            int longSide = Math.max(region.width, region.height);
            edited = switch (operation) {
                case RECOLOUR -> RegionEdits.recolour(roi, roiMask, p.colour("colour"));
                case DESATURATE -> GlobalEdits.greyscale(roi);
                case BLUR -> RegionEdits.blur(roi, p.number("sigma", Math.max(4, longSide / 15.0), 0.5, 500));
                case PIXELATE -> RegionEdits.pixelate(roi, (int) p.number("block", Math.max(8, longSide / 12), 2, 512));
                default -> throw new IllegalArgumentException(operation + " is not a LOCAL operation");
            };
            Mat result = source.clone();
            pasted = PasteBack.compose(roi, edited, roiMask, featherPx);
            target = result.submat(region);
            pasted.copyTo(target);
            return result;
        } finally {
            Mats.release(roi, roiMask, edited, pasted, target);
        }
    }

    private static Painted background(CpuOperation operation, Params p, Mat source, Mat mask, int featherPx,
            boolean whole, Supplier<Mat> backgroundImage) {
        int longSide = Math.max(source.cols(), source.rows());
        String note = null;
        Mat edited;
        switch (operation) {
            case BACKGROUND_BLUR -> edited = RegionEdits.backgroundBlur(source, mask,
                    p.number("sigma", longSide / 80.0, 0.5, 500));
            case BACKGROUND_GREYSCALE -> edited = GlobalEdits.greyscale(source);
            case BACKGROUND_COLOUR -> edited = RegionEdits.solid(source, p.colour("colour"));
            case BACKGROUND_TRANSPARENT -> {
                return new Painted(transparent(source, mask, featherPx), null);
            }
            case BACKGROUND_IMAGE -> {
                Mat supplied = backgroundImage.get();
                edited = cover(supplied, source.size());
                note = coverNote(supplied, source);
            }
            default -> throw new IllegalArgumentException(operation + " is not a BACKGROUND operation");
        }
        return new Painted(pasteBack(source, edited, mask, featherPx, whole), note);
    }

    /** BGRA: the source's colours, opaque on the subject, fading to transparent over the background. */
    private static Mat transparent(Mat source, Mat backgroundMask, int featherPx) {
        Mat background = PasteBack.featherAlpha(backgroundMask, featherPx);
        Mat alpha = new Mat();
        List<Mat> channels = new ArrayList<>();
        try {
            background.convertTo(alpha, CvType.CV_8U, -255, 255);
            Core.split(source, channels);
            channels.add(alpha);
            Mat out = new Mat();
            Core.merge(channels, out);
            return out;
        } finally {
            background.release();
            Mats.release(channels.toArray(Mat[]::new));
            alpha.release();
        }
    }

    /** Scales the image to cover {@code size} (keeping its aspect ratio) and crops the middle. */
    static Mat cover(Mat image, Size size) {
        double scale = Math.max(size.width / image.cols(), size.height / image.rows());
        int width = Math.max((int) size.width, (int) Math.round(image.cols() * scale));
        int height = Math.max((int) size.height, (int) Math.round(image.rows() * scale));
        Mat scaled = new Mat();
        Mat middle = null;
        try {
            Imgproc.resize(image, scaled, new Size(width, height), 0, 0,
                    scale < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
            int x = (width - (int) size.width) / 2;
            int y = (height - (int) size.height) / 2;
            middle = scaled.submat(new Rect(x, y, (int) size.width, (int) size.height));
            return middle.clone();
        } finally {
            Mats.release(middle, scaled);
        }
    }

    /** Says how the background image was fitted when its shape differs from the photo's; null otherwise. */
    static String coverNote(Mat supplied, Mat photo) {
        double suppliedRatio = (double) supplied.cols() / supplied.rows();
        double photoRatio = (double) photo.cols() / photo.rows();
        if (Math.abs(suppliedRatio / photoRatio - 1) < 0.01) {
            return null;
        }
        String cropped = suppliedRatio > photoRatio ? "its left and right edges" : "its top and bottom edges";
        return String.format(Locale.ROOT, "the background image is %dx%d (aspect %.2f) and the photo %dx%d (aspect"
                + " %.2f): it was scaled to cover the photo and %s were cropped", supplied.cols(), supplied.rows(),
                suppliedRatio, photo.cols(), photo.rows(), photoRatio, cropped);
    }

    /** The edit pasted into the source; the edit is released unless it is the result. */
    private static Mat pasteBack(Mat source, Mat edited, Mat mask, int featherPx, boolean whole) {
        // a mask over the whole frame has no edge to feather: the edit is the result
        if (whole) {
            return edited;
        }
        try {
            return PasteBack.compose(source, edited, mask, featherPx);
        } finally {
            if (edited != source) {
                edited.release();
            }
        }
    }
}
