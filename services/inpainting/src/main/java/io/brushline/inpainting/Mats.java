package io.brushline.inpainting;

import org.opencv.core.Mat;
import org.opencv.core.Rect;

/**
 * Helpers for OpenCV matrices. Their native memory is freed only when released or when the collector
 * finalises the Java object, so every job releases what it allocated when it ends.
 */
public final class Mats {

    private Mats() {
    }

    /** Frees the matrices' native memory now; null entries and already released matrices are skipped. */
    public static void release(Mat... mats) {
        for (Mat mat : mats) {
            if (mat != null) {
                mat.release();
            }
        }
    }

    /** The box grown by {@code margin} pixels on every side, within a {@code width x height} image. */
    public static Rect grown(Rect box, int margin, int width, int height) {
        int x0 = Math.max(0, box.x - margin);
        int y0 = Math.max(0, box.y - margin);
        int x1 = Math.min(width, box.x + box.width + margin);
        int y1 = Math.min(height, box.y + box.height + margin);
        return new Rect(x0, y0, x1 - x0, y1 - y0);
    }
}
