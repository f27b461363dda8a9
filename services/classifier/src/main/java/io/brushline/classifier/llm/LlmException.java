package io.brushline.classifier.llm;

/** The language model could not be used for this instruction; {@code reason} is short and readable. */
public class LlmException extends RuntimeException {

    private final String reason;
    private final boolean permanent;

    /** A failure that may pass (a timeout, the endpoint unreachable or overloaded). */
    public LlmException(String reason, String detail, Throwable cause) {
        this(reason, detail, cause, false);
    }

    /** @param permanent asking again will not help (credentials refused, a reply that cannot be used) */
    public LlmException(String reason, String detail, Throwable cause, boolean permanent) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }

    /** A few words for the job record, e.g. "timeout", "http 500", "invalid reply". */
    public String reason() {
        return reason;
    }
}
