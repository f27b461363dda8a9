package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Why a learned engine chose its category: its confidence (probability of the chosen class), the
 * training examples nearest to the instruction, the hard rule that decided where one did, and the
 * other objects the instruction named besides the chosen one ("remove the sofa and the cushions").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Decision(double confidence, List<Neighbour> nearest, String rule, List<String> otherObjects) {

    /** A labelled training example and its cosine similarity to the instruction. */
    public record Neighbour(String instruction, Category category, double similarity) {
    }
}
