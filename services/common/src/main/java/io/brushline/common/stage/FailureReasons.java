package io.brushline.common.stage;

import io.brushline.common.storage.StorageException;
import java.util.regex.Pattern;

/**
 * Words for an unexpected failure, for the job's {@code internal_error} reason. A user reads this
 * reason: it says what went wrong and never carries a Java class or method name or a raw native
 * error message; the service log has the stack trace.
 */
public final class FailureReasons {

    /** A qualified Java name such as {@code org.opencv.core.Mat} or {@code java.lang.Foo.bar}. */
    private static final Pattern JAVA_NAME = Pattern.compile("\\b[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)+\\.[A-Z]\\w*");

    private FailureReasons() {
    }

    /** @param stageName the stage as users see it in timings, e.g. "mask" */
    public static String internal(String stageName, Throwable cause) {
        return "the " + stageName + " stage failed: " + describe(cause) + " (the service log has the details)";
    }

    static String describe(Throwable cause) {
        if (cause instanceof LinkageError) {
            return "a native library it needs is not loaded";
        }
        if (cause instanceof OutOfMemoryError) {
            return "it ran out of memory";
        }
        if (cause instanceof StorageException) {
            return "object storage kept failing";
        }
        if (cause.getClass().getName().startsWith("io.lettuce")) {
            return "the job store (Redis) kept failing";
        }
        String message = cause.getMessage();
        boolean ownWords = cause.getStackTrace().length > 0
                && cause.getStackTrace()[0].getClassName().startsWith("io.brushline.")
                && message != null && !message.isBlank() && !JAVA_NAME.matcher(message).find();
        return ownWords ? message : "an unexpected error";
    }
}
