package io.brushline.inpainting;

import io.brushline.common.messages.Category;
import org.opencv.core.Mat;

/**
 * One region to repaint.
 *
 * @param image          the source, BGR {@code CV_8UC3}
 * @param mask           {@code CV_8UC1} at the image's size, 255 = repaint
 * @param category       the kind of edit, which decides the prompts a generative painter uses
 * @param object         the object the edit is about (removed for REMOVE, added for ADD); may be null
 * @param prompt         what the image should show after the edit
 * @param negativePrompt what it must not show; may be null
 * @param seed           the job's noise seed, so that a redelivered job paints the same pixels
 * @param instruction    the user's instruction as written, for painters that follow instructions; may be null
 */
public record PaintRequest(
        Mat image, Mat mask, Category category, String object, String prompt, String negativePrompt, long seed,
        String instruction) {
}
