package io.brushline.classifier.learned;

import io.brushline.common.messages.Category;

/**
 * A training example: an instruction, the category a person gave it, and how much it counts in
 * training relative to the others.
 */
public record LabelledInstruction(String instruction, Category category, double weight) {
}
