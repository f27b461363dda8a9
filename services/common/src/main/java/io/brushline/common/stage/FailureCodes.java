package io.brushline.common.stage;

/** The failure codes a client may see on a FAILED job. */
public final class FailureCodes {

    public static final String INVALID_IMAGE = "invalid_image";
    public static final String INVALID_HINT = "invalid_hint";
    public static final String INVALID_INSTRUCTION = "invalid_instruction";
    public static final String OBJECT_NOT_FOUND = "object_not_found";
    public static final String UNKNOWN_OBJECT_CLASS = "unknown_object_class";
    public static final String NO_PAINTER = "no_painter_configured";
    /** The region an operation works on is empty (an object mask with no pixels, a background with none). */
    public static final String EMPTY_MASK = "empty_mask";
    public static final String INTERNAL = "internal_error";
    /** An image the job needs (its source, its mask) is no longer in object storage. */
    public static final String MISSING_IMAGE = "missing_image";
    /** The language model refused the request or gave an answer that cannot be used. */
    public static final String LANGUAGE_MODEL = "language_model_unusable";
    /** A message of the job could not be read (malformed, or a schema version this build does not speak). */
    public static final String INVALID_MESSAGE = "invalid_message";
    /** Not a failure: marks the event of a job that was canceled (the job reads CANCELED, not FAILED). */
    public static final String CANCELED = "canceled";

    private FailureCodes() {
    }
}
