package io.brushline.grounding;

import org.opencv.core.Mat;

/** Reads OpenCV DNN blobs (NCHW float Mats from {@code Dnn.blobFromImage*}) into model input arrays. */
public final class Blobs {

    private Blobs() {
    }

    /** The blob's values in NCHW order. */
    public static float[] nchw(Mat blob) {
        float[] values = new float[(int) blob.total()];
        blob.get(new int[blob.dims()], values);
        return values;
    }
}
