package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Steps 1-2 of the method: what kind of edit, on which object, and what the image should look like
 * afterwards. {@code placement} is where an ADD edit puts the object; {@code engine} names who decided.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Classification(
        Category category,
        String object,
        String targetPrompt,
        String negativePrompt,
        Placement placement,
        String engine) {
}
