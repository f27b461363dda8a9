package io.brushline.inpainting.diffusion;

import org.opencv.core.Size;

/**
 * The size a job is painted at: the source's aspect ratio with the long side at {@code longSide},
 * both sides multiples of {@link #MULTIPLE}. The autoencoder halves the size three times (latents are
 * an eighth) and Stable Diffusion's UNet halves the latents three more times, so a side that is not a
 * multiple of 64 pixels would reach the UNet's skip connections at mismatched sizes. Jobs of the same
 * working size can share a batch.
 */
public record WorkingSize(int width, int height) {

    static final int MULTIPLE = 64;

    public static WorkingSize of(int sourceWidth, int sourceHeight, int longSide) {
        double scale = (double) longSide / Math.max(sourceWidth, sourceHeight);
        return new WorkingSize(multiple(sourceWidth * scale), multiple(sourceHeight * scale));
    }

    private static int multiple(double side) {
        return Math.max(MULTIPLE, (int) Math.round(side / MULTIPLE) * MULTIPLE);
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
