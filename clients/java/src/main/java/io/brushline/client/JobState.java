package io.brushline.client;

/** Where a job is: {@code QUEUED -> CLASSIFYING -> GROUNDING -> MASKING -> PAINTING -> SUCCEEDED | FAILED | CANCELED}. */
public enum JobState {
    QUEUED, CLASSIFYING, GROUNDING, MASKING, PAINTING, SUCCEEDED, FAILED, CANCELED;

    /** Whether the job has ended; a job that has ended never changes again. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    /** 1-based position among the five stages before the end (QUEUED is 1, PAINTING 5; ended jobs 6). */
    public int step() {
        return isTerminal() ? 6 : ordinal() + 1;
    }

    /** The state in lower case words, for messages ("grounding"). */
    public String words() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
