package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Step 3b: the binary mask (white = repaint) stored at source size, and how much it was grown. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MaskRef(String key, int dilationPx, int featherPx, double coverage) {
}
