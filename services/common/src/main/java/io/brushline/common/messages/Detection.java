package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One detected instance: where it is, what the detector called it, and how sure it was. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Detection(Box box, String label, double score) {
}
