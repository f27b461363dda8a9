package io.brushline.grounding;

import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** Pixel layout conversions between OpenCV images and model input tensors. */
public final class Tensors {

    private Tensors() {
    }

    /** An 8-bit interleaved image (HWC) as planar float values (CHW), channel order and range kept. */
    public static float[] chwFloats(Mat image) {
        if (image.depth() != CvType.CV_8U) {
            throw new IllegalArgumentException("expected an 8-bit image, got type " + image.type());
        }
        int channels = image.channels();
        int plane = image.rows() * image.cols();
        byte[] pixels = new byte[plane * channels];
        Mat continuous = image.isContinuous() ? image : image.clone();
        continuous.get(0, 0, pixels);
        float[] out = new float[plane * channels];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < channels; c++) {
                out[c * plane + i] = pixels[i * channels + c] & 0xff;
            }
        }
        return out;
    }
}
