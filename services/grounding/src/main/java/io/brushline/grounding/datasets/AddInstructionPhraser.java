package io.brushline.grounding.datasets;

/**
 * Words the instruction that adds a removed object back: the template ({@link AddInstructions}) as it
 * is, or a language model's rephrasing of it ({@link LlmAddInstructionPhraser}).
 */
@FunctionalInterface
public interface AddInstructionPhraser {

    /** The templates as they are: no language model is asked. */
    AddInstructionPhraser TEMPLATES = (template, label) -> template;

    /**
     * The instruction to use for the object labelled {@code label}; {@code template} whenever no other
     * phrasing can be had. Never throws: a dataset does not fail because of its phrasing.
     */
    String phrase(String template, String label);
}
