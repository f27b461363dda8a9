package io.brushline.common.messages;

/** Step 3b: the binary mask (white = repaint) stored at source size, and how much it was grown. */
public record MaskRef(String key, int dilationPx, int featherPx, double coverage) {
}
