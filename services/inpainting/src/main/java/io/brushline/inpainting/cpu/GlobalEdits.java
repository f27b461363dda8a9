package io.brushline.inpainting.cpu;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.CLAHE;
import org.opencv.imgproc.Imgproc;
import org.opencv.photo.Photo;
import org.opencv.xphoto.Xphoto;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole-image CPU operations on BGR {@code CV_8UC3} images. Each returns a new image of the same size
 * and is deterministic: the same input gives the same bytes.
 */
final class GlobalEdits {

    private GlobalEdits() {
    }

    static Mat greyscale(Mat image) {
        Mat grey = new Mat();
        Imgproc.cvtColor(image, grey, Imgproc.COLOR_BGR2GRAY);
        Mat out = new Mat();
        Imgproc.cvtColor(grey, out, Imgproc.COLOR_GRAY2BGR);
        return out;
    }

    /** The classic sepia matrix, mixed with the identity by {@code strength} (0..1). */
    static Mat sepia(Mat image, double strength) {
        // rows: output B, G, R; columns: input B, G, R
        double[][] sepia = {{0.131, 0.534, 0.272}, {0.168, 0.686, 0.349}, {0.189, 0.769, 0.393}};
        Mat kernel = new Mat(3, 3, CvType.CV_32F);
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 3; col++) {
                double identity = row == col ? 1 : 0;
                kernel.put(row, col, identity + strength * (sepia[row][col] - identity));
            }
        }
        Mat out = new Mat();
        Core.transform(image, out, kernel);
        return out;
    }

    /** Positive {@code shift} warms (more red, less blue), negative cools. */
    static Mat temperature(Mat image, double shift) {
        Mat out = new Mat();
        Core.add(image, new Scalar(-shift, 0, shift), out);
        return out;
    }

    /** Adds {@code amount} (-1..1) of full scale to every channel. */
    static Mat brightness(Mat image, double amount) {
        Mat out = new Mat();
        image.convertTo(out, -1, 1, amount * 255);
        return out;
    }

    /** Scales the distance from mid-grey by {@code factor}. */
    static Mat contrast(Mat image, double factor) {
        Mat out = new Mat();
        image.convertTo(out, -1, factor, 128 * (1 - factor));
        return out;
    }

    /** Multiplies linear light by 2^stops, through a lookup table on the 2.2-gamma encoded values. */
    static Mat exposure(Mat image, double stops) {
        double gain = Math.pow(2, stops);
        return lookUp(image, v -> 255 * Math.pow(Math.min(1, Math.pow(v / 255, 2.2) * gain), 1 / 2.2));
    }

    /** CLAHE on the lightness channel: local contrast without shifting colours. */
    static Mat autoLevels(Mat image, double clipLimit) {
        Mat lab = new Mat();
        Imgproc.cvtColor(image, lab, Imgproc.COLOR_BGR2Lab);
        List<Mat> channels = new ArrayList<>();
        Core.split(lab, channels);
        CLAHE clahe = Imgproc.createCLAHE(clipLimit, new Size(8, 8));
        clahe.apply(channels.get(0), channels.get(0));
        Core.merge(channels, lab);
        Mat out = new Mat();
        Imgproc.cvtColor(lab, out, Imgproc.COLOR_Lab2BGR);
        return out;
    }

    /** Lifts the shadows with a gamma curve, then restores local contrast with CLAHE. */
    static Mat lowLight(Mat image, double gamma) {
        return autoLevels(lookUp(image, v -> 255 * Math.pow(v / 255, gamma)), 2.0);
    }

    /** Non-local means; {@code strength} is the filter strength h for luminance and colour. */
    static Mat denoise(Mat image, double strength) {
        Mat out = new Mat();
        Photo.fastNlMeansDenoisingColored(image, out, (float) strength, (float) strength, 7, 21);
        return out;
    }

    /**
     * Dark-channel-prior dehazing (He, Sun and Tang): the haze-free image has a dark channel near
     * zero, so the dark channel of the hazy one estimates the haze; the transmission map is smoothed
     * with a guided filter before the scene radiance is recovered.
     */
    static Mat dehaze(Mat image, double omega) {
        Mat imageF = new Mat();
        image.convertTo(imageF, CvType.CV_32FC3, 1.0 / 255);
        // Haze and transmission are smooth: estimate them at a quarter of the size (a 5 px window there is
        // about 15 px at full size), then recover the scene at full size.
        Mat small = new Mat();
        Imgproc.resize(imageF, small, new Size(Math.max(1, image.cols() / 4), Math.max(1, image.rows() / 4)), 0, 0,
                Imgproc.INTER_AREA);
        Scalar airlight = airlight(small, darkChannel(small, 2));
        Mat normalised = new Mat();
        Core.divide(small, airlight, normalised);
        Mat transmission = new Mat();
        darkChannel(normalised, 2).convertTo(transmission, CvType.CV_32F, -omega, 1.0);
        Mat guide = new Mat();
        Imgproc.cvtColor(small, guide, Imgproc.COLOR_BGR2GRAY);
        Mat smallRefined = new Mat();
        org.opencv.ximgproc.Ximgproc.guidedFilter(guide, transmission, smallRefined, 10, 1e-3);
        Mat refined = new Mat();
        Imgproc.resize(smallRefined, refined, image.size(), 0, 0, Imgproc.INTER_LINEAR);
        Core.max(refined, new Scalar(0.1), refined);
        Mat transmission3 = new Mat();
        Imgproc.cvtColor(refined, transmission3, Imgproc.COLOR_GRAY2BGR);
        // J = (I - A) / t + A
        Mat radiance = new Mat();
        Core.subtract(imageF, airlight, radiance);
        Core.divide(radiance, transmission3, radiance);
        Core.add(radiance, airlight, radiance);
        Mat out = new Mat();
        radiance.convertTo(out, CvType.CV_8UC3, 255);
        return out;
    }

    private static Mat darkChannel(Mat imageF, int radius) {
        List<Mat> channels = new ArrayList<>();
        Core.split(imageF, channels);
        Mat minimum = new Mat();
        Core.min(channels.get(0), channels.get(1), minimum);
        Core.min(minimum, channels.get(2), minimum);
        Mat dark = new Mat();
        Imgproc.erode(minimum, dark, Imgproc.getStructuringElement(Imgproc.MORPH_RECT,
                new Size(2 * radius + 1, 2 * radius + 1)));
        return dark;
    }

    /** The atmospheric light: the mean colour of the 0.1 % haziest pixels (brightest dark channel). */
    private static Scalar airlight(Mat imageF, Mat dark) {
        Mat dark8 = new Mat();
        dark.convertTo(dark8, CvType.CV_8U, 255);
        Mat histogram = new Mat();
        Imgproc.calcHist(List.of(dark8), new org.opencv.core.MatOfInt(0), new Mat(), histogram,
                new org.opencv.core.MatOfInt(256), new org.opencv.core.MatOfFloat(0, 256));
        double wanted = Math.max(1, dark8.total() * 0.001);
        int threshold = 255;
        for (double count = 0; threshold > 0; threshold--) {
            count += histogram.get(threshold, 0)[0];
            if (count >= wanted) {
                break;
            }
        }
        Mat haziest = new Mat();
        Core.compare(dark8, new Scalar(threshold), haziest, Core.CMP_GE);
        Scalar airlight = Core.mean(imageF, haziest);
        return new Scalar(Math.max(airlight.val[0], 0.05), Math.max(airlight.val[1], 0.05),
                Math.max(airlight.val[2], 0.05));
    }

    /** Unsharp mask: adds back {@code amount} times the detail lost by a Gaussian blur of {@code sigma}. */
    static Mat sharpen(Mat image, double amount, double sigma) {
        Mat blurred = new Mat();
        Imgproc.GaussianBlur(image, blurred, new Size(0, 0), sigma);
        Mat out = new Mat();
        Core.addWeighted(image, 1 + amount, blurred, -amount, 0, out);
        return out;
    }

    /**
     * The painterly filters run at a working size of at most this many pixels on the long side and
     * are scaled back: their output has no fine detail to lose, and their cost grows with the area
     * (stylization takes seconds on a 2048 px photo).
     */
    static final int PAINTERLY_WORKING_SIDE = 1024;

    static Mat stylization(Mat image) {
        return atWorkingSize(image, small -> {
            Mat out = new Mat();
            Photo.stylization(small, out, 60, 0.45f);
            return out;
        });
    }

    static Mat pencilSketch(Mat image) {
        return atWorkingSize(image, small -> {
            Mat grey = new Mat();
            Mat colour = new Mat();
            Photo.pencilSketch(small, grey, colour, 60, 0.07f, 0.02f);
            Mat out = new Mat();
            Imgproc.cvtColor(grey, out, Imgproc.COLOR_GRAY2BGR);
            return out;
        });
    }

    static Mat edgePreserving(Mat image) {
        return atWorkingSize(image, small -> {
            Mat out = new Mat();
            Photo.edgePreservingFilter(small, out, Photo.RECURS_FILTER, 60, 0.4f);
            return out;
        });
    }

    static Mat oilPainting(Mat image, int size) {
        return atWorkingSize(image, small -> {
            Mat out = new Mat();
            Xphoto.oilPainting(small, out, size, 1);
            return out;
        });
    }

    private static Mat atWorkingSize(Mat image, java.util.function.UnaryOperator<Mat> filter) {
        double scale = (double) PAINTERLY_WORKING_SIDE / Math.max(image.cols(), image.rows());
        if (scale >= 1) {
            return filter.apply(image);
        }
        Mat small = new Mat();
        Imgproc.resize(image, small, new Size(Math.round(image.cols() * scale), Math.round(image.rows() * scale)),
                0, 0, Imgproc.INTER_AREA);
        Mat out = new Mat();
        Imgproc.resize(filter.apply(small), out, image.size(), 0, 0, Imgproc.INTER_CUBIC);
        return out;
    }

    /**
     * Flat colour regions (repeated bilateral filtering at quarter size) under dark outlines (adaptive
     * threshold of the blurred luminance).
     */
    static Mat cartoon(Mat image) {
        Mat small = new Mat();
        Imgproc.resize(image, small, new Size(image.cols() / 4.0, image.rows() / 4.0), 0, 0, Imgproc.INTER_AREA);
        for (int i = 0; i < 5; i++) {
            Mat filtered = new Mat();
            Imgproc.bilateralFilter(small, filtered, 9, 30, 7);
            small = filtered;
        }
        Mat flat = new Mat();
        Imgproc.resize(small, flat, image.size(), 0, 0, Imgproc.INTER_LINEAR);
        Mat grey = new Mat();
        Imgproc.cvtColor(image, grey, Imgproc.COLOR_BGR2GRAY);
        Imgproc.medianBlur(grey, grey, 7);
        Mat edges = new Mat();
        Imgproc.adaptiveThreshold(grey, edges, 255, Imgproc.ADAPTIVE_THRESH_MEAN_C, Imgproc.THRESH_BINARY, 9, 2);
        Mat out = Mat.zeros(image.size(), image.type());
        flat.copyTo(out, edges);
        return out;
    }

    static Mat lookUp(Mat image, java.util.function.DoubleUnaryOperator curve) {
        Mat table = new Mat(1, 256, CvType.CV_8U);
        byte[] values = new byte[256];
        for (int v = 0; v < 256; v++) {
            values[v] = (byte) Math.max(0, Math.min(255, Math.round(curve.applyAsDouble(v))));
        }
        table.put(0, 0, values);
        Mat out = new Mat();
        Core.LUT(image, table, out);
        return out;
    }
}
