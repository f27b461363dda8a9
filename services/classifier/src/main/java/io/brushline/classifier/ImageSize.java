package io.brushline.classifier;

/** The source image's size in pixels, for placing ADD boxes. */
public record ImageSize(int width, int height) {
}
