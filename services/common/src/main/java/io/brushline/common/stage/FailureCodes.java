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

    private FailureCodes() {
    }
}
