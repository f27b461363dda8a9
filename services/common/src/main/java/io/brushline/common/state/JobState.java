package io.brushline.common.state;

/** A job's lifecycle, in order. Terminal states never change again. */
public enum JobState {
    QUEUED,
    CLASSIFYING,
    GROUNDING,
    MASKING,
    PAINTING,
    SUCCEEDED,
    FAILED,
    CANCELED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }
}
