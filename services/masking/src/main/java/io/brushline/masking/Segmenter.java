package io.brushline.masking;

import io.brushline.common.messages.Detection;
import io.brushline.common.messages.Point;
import java.util.List;
import java.util.Optional;
import org.opencv.core.Mat;

/**
 * Turns box and point prompts into an object mask at source size. Implementations: the offline
 * refiners (DeepLabV3 for VOC classes, GrabCut, the plain box) and SAM, chosen by configuration.
 * Thread-safe: the stage calls it from several worker threads.
 */
public interface Segmenter extends AutoCloseable {

    /**
     * @param image the source image, BGR
     * @param boxes the object's instances (their union is the object mask); may be empty when points are given
     * @param points point hints in source pixels; may be empty
     * @return 0/255 mask, image-sized, never empty when a box was given (falls back to the box)
     */
    Mat segment(Mat image, List<Detection> boxes, List<Point> points);

    /**
     * The same mask from the prompts and the image's size alone, for a segmenter that does not look at
     * pixels (the plain box): the stage then neither fetches nor decodes the source. Empty for the others.
     */
    default Optional<Mat> withoutPixels(int width, int height, List<Detection> boxes, List<Point> points) {
        return Optional.empty();
    }

    /** Releases the models; segmenters without native resources need not override it. */
    @Override
    default void close() {
    }
}
