package io.brushline.common.imaging;

import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Decoding and encoding with OpenCV, shared by the stages that work on pixels. Images are BGR
 * {@code CV_8UC3}, masks single-channel {@code CV_8UC1} with 255 = edit.
 */
public final class ImageCodec {

    static {
        // OpenCV's Java API (org.opencv.*) runs on the bytedeco build's natives, loaded here once.
        org.bytedeco.javacpp.Loader.load(org.bytedeco.opencv.opencv_java.class);
    }

    private static final int JPEG_QUALITY = 95;

    private ImageCodec() {
    }

    /** Makes sure the native library is loaded before any other OpenCV call. */
    public static void init() {
        // the static initialiser does the work
    }

    /** Decodes an image (EXIF orientation applied) or fails the job with a reason a person can act on. */
    public static Mat decodeColor(byte[] bytes, String what) {
        Mat image = decode(bytes, Imgcodecs.IMREAD_COLOR);
        if (image.empty()) {
            throw new StageFailure(FailureCodes.INVALID_IMAGE, "the " + what + " could not be decoded as an image");
        }
        return image;
    }

    /** Decodes a mask image to 0/255, any non-black pixel counting as part of the mask. */
    public static Mat decodeMask(byte[] bytes, String what) {
        Mat gray = decode(bytes, Imgcodecs.IMREAD_GRAYSCALE);
        if (gray.empty()) {
            throw new StageFailure(FailureCodes.INVALID_HINT, "the " + what + " could not be decoded as an image");
        }
        Mat binary = new Mat();
        org.opencv.imgproc.Imgproc.threshold(gray, binary, 0, 255, org.opencv.imgproc.Imgproc.THRESH_BINARY);
        gray.release();
        return binary;
    }

    // The native buffers of OpenCV's Java matrices are freed only when released or finalised: the
    // temporaries here are released at once rather than left to the garbage collector.
    private static Mat decode(byte[] bytes, int flags) {
        MatOfByte encoded = new MatOfByte(bytes);
        try {
            return Imgcodecs.imdecode(encoded, flags);
        } finally {
            encoded.release();
        }
    }

    /**
     * Lossless PNG, so that pixels the edit did not touch stay exactly as decoded from the source, at
     * zlib level 1 with the Paeth filter on every row and run-length matching only: on 512x512 photos
     * about half the CPU of level 1 with the default strategy and adaptive filters (9 ms instead of
     * 18 on one core) for files about 2 % larger (docs/benchmarks.md, painting stage CPU per job).
     */
    public static byte[] encodePng(Mat image) {
        return encode(image, ".png", Imgcodecs.IMWRITE_PNG_COMPRESSION, 1, Imgcodecs.IMWRITE_PNG_STRATEGY,
                Imgcodecs.IMWRITE_PNG_STRATEGY_RLE, Imgcodecs.IMWRITE_PNG_FILTER, Imgcodecs.IMWRITE_PNG_FILTER_PAETH);
    }

    /**
     * JPEG at quality 95 (chroma at half resolution, as cameras write it), for results of JPEG photos:
     * a second generation at this quality is hard to tell from the first, and the encode takes about
     * 1.2 ms for 512x512 where the PNG takes 10 (docs/benchmarks.md, "Native profiles").
     */
    public static byte[] encodeJpeg(Mat image) {
        return encode(image, ".jpg", Imgcodecs.IMWRITE_JPEG_QUALITY, JPEG_QUALITY);
    }

    private static byte[] encode(Mat image, String extension, int... parameters) {
        MatOfByte out = new MatOfByte();
        MatOfInt params = new MatOfInt(parameters);
        try {
            if (!Imgcodecs.imencode(extension, image, out, params)) {
                throw new IllegalStateException(extension + " encoding failed");
            }
            return out.toArray();
        } finally {
            out.release();
            params.release();
        }
    }
}
