package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A point prompt in source-image pixels; foreground marks the object, background excludes a region. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Point(int x, int y, boolean foreground) {
}
