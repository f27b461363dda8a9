package io.brushline.common.messages;

/** A point prompt in source-image pixels; foreground marks the object, background excludes a region. */
public record Point(int x, int y, boolean foreground) {
}
