package io.brushline.inpainting.diffusion;

import org.opencv.core.Size;

/**
 * The size a job is painted at: the source's aspect ratio with the long side at {@code longSide},
 * both sides multiples of 8 (the autoencoder downsamples by 8). Jobs of the same working size can
 * share a batch.
 */
public record WorkingSize(int width, int height) {

    public static WorkingSize of(int sourceWidth, int sourceHeight, int longSide) {
        double scale = (double) longSide / Math.max(sourceWidth, sourceHeight);
        return new WorkingSize(multipleOf8(sourceWidth * scale), multipleOf8(sourceHeight * scale));
    }

    private static int multipleOf8(double side) {
        return Math.max(8, (int) Math.round(side / 8) * 8);
    }

    public int latentWidth() {
        return width / 8;
    }

    public int latentHeight() {
        return height / 8;
    }

    Size size() {
        return new Size(width, height);
    }
}
