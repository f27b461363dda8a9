package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An image held in object storage (claim check): messages carry the key, never the bytes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageRef(String key, String contentType, int width, int height) {
}
