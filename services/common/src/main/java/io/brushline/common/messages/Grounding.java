package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Step 3a: where the object is. {@code method} says how the boxes were found (hint, detector,
 * placement, none); boxes are ranked by score, best first.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Grounding(String method, List<Detection> boxes) {

    public static final String HINT = "hint";
    public static final String DETECTOR = "detector";
    public static final String PLACEMENT = "placement";
    public static final String NOT_NEEDED = "not-needed";
}
