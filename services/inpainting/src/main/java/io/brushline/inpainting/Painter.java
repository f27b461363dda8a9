package io.brushline.inpainting;

import java.util.List;
import java.util.Optional;
import org.opencv.core.Mat;

/**
 * Repaints the masked region of an image. Implementations return an image of the request's size;
 * what they do outside the mask does not matter, because {@link PasteBack} restores those pixels.
 */
public interface Painter {

    /** A short name for logs and the job's timings. */
    String name();

    Mat paint(PaintRequest request);

    /**
     * Requests with equal keys can be painted together by {@link #paintAll}; empty when this painter
     * gains nothing from batching.
     */
    default Optional<Object> batchKey(PaintRequest request) {
        return Optional.empty();
    }

    /**
     * Paints several requests; the default paints them one by one. Painters that can run compatible
     * requests as one batch on the accelerator override this; the results must not depend on which
     * requests share a batch.
     */
    default List<Mat> paintAll(List<PaintRequest> requests) {
        return requests.stream().map(this::paint).toList();
    }
}
