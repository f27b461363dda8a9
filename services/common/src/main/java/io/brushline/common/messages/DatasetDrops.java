package io.brushline.common.messages;

import java.util.Set;

/**
 * Why an object of a dataset was dropped: the names stored as {@code dropped.<reason>} in the dataset
 * hash and shown by the API, the webhook and the data card, so they are spelled here once.
 */
public final class DatasetDrops {

    // The survey's filters, before anything is removed.
    public static final String CLASS_NOT_WANTED = "class_not_wanted";
    public static final String LOW_SCORE = "low_score";
    public static final String AREA_TOO_SMALL = "area_too_small";
    public static final String AREA_TOO_LARGE = "area_too_large";
    public static final String TOUCHES_BORDER = "touches_border";
    public static final String OCCLUDED = "occluded";
    public static final String AMBIGUOUS_INSTANCE = "ambiguous_instance";
    public static final String OVER_IMAGE_LIMIT = "over_image_limit";

    /** The image itself could not be used; counted once per image, with its reason under {@code failed.<i>}. */
    public static final String IMAGE_FAILED = "image_failed";

    // The verification, after the removal ran: each of these ends a queued pair.
    public static final String REMOVAL_FAILED = "removal_failed";
    public static final String MASK_AREA = "mask_area";
    public static final String STILL_DETECTED = "still_detected";
    /** The result or mask of the removal cannot be read, or verifying kept failing. */
    public static final String VERIFICATION_FAILED = "verification_failed";

    public static final Set<String> SURVEY = Set.of(CLASS_NOT_WANTED, LOW_SCORE, AREA_TOO_SMALL, AREA_TOO_LARGE,
            TOUCHES_BORDER, OCCLUDED, AMBIGUOUS_INSTANCE, OVER_IMAGE_LIMIT);

    public static final Set<String> VERIFICATION = Set.of(REMOVAL_FAILED, MASK_AREA, STILL_DETECTED,
            VERIFICATION_FAILED);

    private DatasetDrops() {
    }
}
