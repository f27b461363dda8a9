package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the client already knows about where to edit. Any hint replaces steps 2-3 (detection):
 * a mask is used as it is, a box or points are turned into a mask without asking the detector.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hints(Box box, List<Point> points, String maskKey) {

    @JsonIgnore
    public boolean isEmpty() {
        return box == null && (points == null || points.isEmpty()) && maskKey == null;
    }
}
