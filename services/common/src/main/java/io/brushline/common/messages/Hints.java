package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the client already knows about where to edit. Any location hint replaces steps 2-3
 * (detection): a mask is used as it is, a box or points are turned into a mask without asking the
 * detector. {@code backgroundKey} is not a location: it is an image the client supplied to put behind
 * the subject of a BACKGROUND edit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hints(Box box, List<Point> points, String maskKey, String backgroundKey) {

    public Hints(Box box, List<Point> points, String maskKey) {
        this(box, points, maskKey, null);
    }

    /** Whether no location hint was given (a background image alone does not say where to edit). */
    @JsonIgnore
    public boolean isEmpty() {
        return box == null && (points == null || points.isEmpty()) && maskKey == null;
    }
}
