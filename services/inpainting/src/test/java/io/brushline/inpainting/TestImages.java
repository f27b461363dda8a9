package io.brushline.inpainting;

import io.brushline.common.imaging.ImageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/** The shared test photos and masks (system property {@code brushline.shared.dir}). */
public final class TestImages {

    static {
        ImageCodec.init();
    }

    private TestImages() {
    }

    public static Path imagesDir() {
        return Path.of(System.getProperty("brushline.shared.dir", "../../../shared"), "data", "images");
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(imagesDir().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of pixels where {@code a} and {@code b} differ and {@code where} is non-zero. */
    public static int differingPixels(Mat a, Mat b, Mat where) {
        Mat diff = new Mat();
        Core.absdiff(a, b, diff);
        Mat any = new Mat();
        Core.compare(channelMax(diff), new Scalar(0), any, Core.CMP_GT);
        Mat counted = new Mat();
        Core.bitwise_and(any, where, counted);
        return Core.countNonZero(counted);
    }

    private static Mat channelMax(Mat image) {
        List<Mat> channels = new ArrayList<>();
        Core.split(image, channels);
        Mat max = channels.get(0).clone();
        for (Mat channel : channels) {
            Core.max(max, channel, max);
        }
        return max;
    }

    public static Mat inverted(Mat mask) {
        Mat outside = new Mat();
        Core.compare(mask, new Scalar(0), outside, Core.CMP_EQ);
        return outside;
    }
}
