package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Steps 1-2 of the method: what kind of edit, on which object, and what the image should look like
 * afterwards. {@code placement} is where an ADD edit puts the object; {@code engine} names who decided;
 * {@code decision} says why, for engines that can tell (null otherwise).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Classification(
        Category category,
        String object,
        String targetPrompt,
        String negativePrompt,
        Placement placement,
        String engine,
        Decision decision) {

    public Classification(Category category, String object, String targetPrompt, String negativePrompt,
            Placement placement, String engine) {
        this(category, object, targetPrompt, negativePrompt, placement, engine, null);
    }
}
