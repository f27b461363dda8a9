package io.brushline.common.imaging;

import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
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

    private ImageCodec() {
    }

    /** Makes sure the native library is loaded before any other OpenCV call. */
    public static void init() {
        // the static initialiser does the work
    }

    /** Decodes an image (EXIF orientation applied) or fails the job with a reason a person can act on. */
    public static Mat decodeColor(byte[] bytes, String what) {
        Mat image = Imgcodecs.imdecode(new MatOfByte(bytes), Imgcodecs.IMREAD_COLOR);
        if (image.empty()) {
            throw new StageFailure(FailureCodes.INVALID_IMAGE, "the " + what + " could not be decoded as an image");
        }
        return image;
    }

    /** Decodes a mask image to 0/255, any non-black pixel counting as part of the mask. */
    public static Mat decodeMask(byte[] bytes, String what) {
        Mat gray = Imgcodecs.imdecode(new MatOfByte(bytes), Imgcodecs.IMREAD_GRAYSCALE);
        if (gray.empty()) {
            throw new StageFailure(FailureCodes.INVALID_HINT, "the " + what + " could not be decoded as an image");
        }
        Mat binary = new Mat();
        org.opencv.imgproc.Imgproc.threshold(gray, binary, 0, 255, org.opencv.imgproc.Imgproc.THRESH_BINARY);
        return binary;
    }

    /** Lossless PNG, so that pixels the edit did not touch stay exactly as decoded from the source. */
    public static byte[] encodePng(Mat image) {
        MatOfByte out = new MatOfByte();
        if (!Imgcodecs.imencode(".png", image, out)) {
            throw new IllegalStateException("PNG encoding failed");
        }
        return out.toArray();
    }
}
