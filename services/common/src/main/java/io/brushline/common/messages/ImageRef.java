package io.brushline.common.messages;

/** An image held in object storage (claim check): messages carry the key, never the bytes. */
public record ImageRef(String key, String contentType, int width, int height) {
}
