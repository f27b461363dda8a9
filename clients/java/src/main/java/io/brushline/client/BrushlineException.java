package io.brushline.client;

/**
 * A call to the Brushline API that did not succeed. The message says in words what happened and,
 * where there is one, what to do about it. The subclasses name the cases a caller may want to treat
 * on their own; any other refusal of the gateway is this class with its HTTP {@link #status()} and the
 * gateway's error {@link #code()}.
 */
public class BrushlineException extends RuntimeException {

    private final int status;
    private final String code;

    /**
     * @param status the HTTP status, 0 when no answer came
     * @param code the gateway's error code ({@code invalid_image}, ...), or a code of the client's own
     *     ({@code unreachable}, {@code timeout}, {@code io_error})
     */
    public BrushlineException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public BrushlineException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status of the answer, 0 when there was none. */
    public int status() {
        return status;
    }

    /** The gateway's error code, or the client's own for failures without an answer. */
    public String code() {
        return code;
    }

    /** The server could not be reached at all (connection refused, unknown host, no route). */
    public static final class ServerUnreachable extends BrushlineException {
        public ServerUnreachable(String message, Throwable cause) {
            super(0, "unreachable", message, cause);
        }
    }

    /** 401: no API key was sent, or the gateway does not know it. */
    public static final class Unauthorized extends BrushlineException {
        public Unauthorized(String code, String message) {
            super(401, code, message);
        }
    }

    /** 404: no job with that id (or it belongs to another tenant). */
    public static final class NotFound extends BrushlineException {
        public NotFound(String code, String message) {
            super(404, code, message);
        }
    }

    /** 413: the image is over the gateway's byte or pixel limit, or a batch has more items than it takes. */
    public static final class TooLarge extends BrushlineException {
        public TooLarge(String code, String message) {
            super(413, code, message);
        }
    }

    /** 429: over the tenant's rate limit, still so after the client's bounded retries. */
    public static final class RateLimited extends BrushlineException {
        private final long retryAfterSeconds;

        public RateLimited(String code, String message, long retryAfterSeconds) {
            super(429, code, message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        /** The wait the gateway asked for in its last answer, in seconds (0 if it named none). */
        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** 503: the gateway's queue, object store or Redis is unreachable; nothing was accepted. */
    public static final class Unavailable extends BrushlineException {
        public Unavailable(String code, String message) {
            super(503, code, message);
        }
    }
}
