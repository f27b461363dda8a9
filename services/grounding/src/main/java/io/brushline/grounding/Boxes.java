package io.brushline.grounding;

import io.brushline.common.messages.Box;

/** Turns a detector's real-valued box into whole source pixels. */
public final class Boxes {

    private Boxes() {
    }

    /**
     * The smallest pixel box covering {@code [x1,x2) x [y1,y2)} in source coordinates, clipped to the
     * image; null when nothing of it lies inside the image.
     */
    public static Box clipped(double x1, double y1, double x2, double y2, int width, int height) {
        Box box = new Box(
                (int) Math.max(0, Math.floor(x1)),
                (int) Math.max(0, Math.floor(y1)),
                (int) Math.min(width, Math.ceil(x2)),
                (int) Math.min(height, Math.ceil(y2)));
        return box.isEmpty() ? null : box;
    }
}
