package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where an ADD edit should put the new object: a box in source pixels, plus the spatial relation
 * and anchor object it came from ("left of" the "dog"), so grounding can refine it once the anchor
 * has been detected. {@code box} may be null when only the relation is known (no image size yet).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Placement(Box box, String relation, String anchor) {
}
