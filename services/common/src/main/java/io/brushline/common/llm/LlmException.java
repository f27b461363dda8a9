package io.brushline.common.llm;

/** The language model could not be used for this request; {@code reason} is short and readable. */
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

    /** A reply that cannot be used: the model answers the same prompt the same way, so it is permanent. */
    public static LlmException invalidReply(String detail, Throwable cause) {
        return new LlmException("invalid reply", detail, cause, true);
    }

    public boolean permanent() {
        return permanent;
    }

    /** A few words for the job record, e.g. "timeout", "http 500", "invalid reply". */
    public String reason() {
        return reason;
    }
}
