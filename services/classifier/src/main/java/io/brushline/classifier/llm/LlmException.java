package io.brushline.classifier.llm;

/** The language model could not be used for this instruction; {@code reason} is short and readable. */
public class LlmException extends RuntimeException {

    private final String reason;

    public LlmException(String reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    /** A few words for the job record, e.g. "timeout", "http 500", "invalid reply". */
    public String reason() {
        return reason;
    }
}
