package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/** An axis-aligned box in source-image pixels; x2 and y2 are exclusive. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Box(int x1, int y1, int x2, int y2) {

    public int width() {
        return x2 - x1;
    }

    public int height() {
        return y2 - y1;
    }

    @JsonIgnore
    public boolean isEmpty() {
        return width() <= 0 || height() <= 0;
    }

    /** True when the box lies entirely within an image of the given size. */
    public boolean fitsIn(int imageWidth, int imageHeight) {
        return x1 >= 0 && y1 >= 0 && x2 <= imageWidth && y2 <= imageHeight && !isEmpty();
    }

    public double iou(Box other) {
        int ix = Math.max(0, Math.min(x2, other.x2) - Math.max(x1, other.x1));
        int iy = Math.max(0, Math.min(y2, other.y2) - Math.max(y1, other.y1));
        double inter = (double) ix * iy;
        double union = (double) width() * height() + (double) other.width() * other.height() - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
