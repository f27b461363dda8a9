package io.brushline.common.messages;

/** One detected instance: where it is, what the detector called it, and how sure it was. */
public record Detection(Box box, String label, double score) {
}
