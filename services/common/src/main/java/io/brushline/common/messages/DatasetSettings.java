package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * How a dataset job picks and keeps objects: the client's {@code filters} with every value it left out
 * set to its default, stored with the dataset so that the survey, the verification and the data card
 * all read the same values. Written in snake_case, as the API takes it.
 *
 * @param classes           detector classes to look for; null or empty: every class the detector knows
 * @param minArea           smallest object box kept, as a fraction of the image (also the smallest mask)
 * @param maxArea           largest object box kept, as a fraction of the image (also the largest mask)
 * @param maxBorderSides    how many image edges an object box may touch: an object cut by more is mostly
 *                          outside the photo, and its "removal" would paint half a frame
 * @param maxOverlap        how much of an object box other detections may cover (a proxy for occlusion)
 * @param singleInstance    drop a class seen more than once in the image: "add a chair" would not say which
 * @param maxObjectsPerImage at most this many objects of one image are removed (largest first)
 * @param verifyThreshold   a pair is kept only when the detector's best score for the object's class,
 *                          on the result and overlapping the object's box, is below this
 * @param minScore          the least detector score of an object removed: the detector's own threshold is
 *                          set for edits, where a missed object fails the job; training pairs want the
 *                          detector sure of the class, since a wrong label makes a wrong instruction
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DatasetSettings(
        List<String> classes,
        Double minArea,
        Double maxArea,
        Integer maxBorderSides,
        Double maxOverlap,
        Boolean singleInstance,
        Integer maxObjectsPerImage,
        Double verifyThreshold,
        Double minScore) {

    public static final DatasetSettings DEFAULTS = new DatasetSettings(List.of(), 0.005, 0.40, 1, 0.30, true, 3, 0.30,
            0.5);

    /** These settings with every value left out taken from {@link #DEFAULTS}. */
    public DatasetSettings withDefaults() {
        return new DatasetSettings(classes == null ? DEFAULTS.classes : List.copyOf(classes),
                minArea == null ? DEFAULTS.minArea : minArea,
                maxArea == null ? DEFAULTS.maxArea : maxArea,
                maxBorderSides == null ? DEFAULTS.maxBorderSides : maxBorderSides,
                maxOverlap == null ? DEFAULTS.maxOverlap : maxOverlap,
                singleInstance == null ? DEFAULTS.singleInstance : singleInstance,
                maxObjectsPerImage == null ? DEFAULTS.maxObjectsPerImage : maxObjectsPerImage,
                verifyThreshold == null ? DEFAULTS.verifyThreshold : verifyThreshold,
                minScore == null ? DEFAULTS.minScore : minScore);
    }

    /**
     * What is wrong with these settings, in words, or null when they can be used.
     */
    public String problem() {
        DatasetSettings s = withDefaults();
        if (s.minArea < 0 || s.maxArea > 1 || s.minArea >= s.maxArea) {
            return "min_area and max_area must satisfy 0 <= min_area < max_area <= 1 (fractions of the image)";
        }
        if (s.maxBorderSides < 0 || s.maxBorderSides > 4) {
            return "max_border_sides must be between 0 and 4 (edges of the image an object may touch)";
        }
        if (s.maxOverlap < 0 || s.maxOverlap > 1) {
            return "max_overlap must be between 0 and 1 (fraction of the object's box)";
        }
        if (s.maxObjectsPerImage < 1 || s.maxObjectsPerImage > 20) {
            return "max_objects_per_image must be between 1 and 20";
        }
        if (s.verifyThreshold <= 0 || s.verifyThreshold > 1) {
            return "verify_threshold must be above 0 and at most 1 (a detector score)";
        }
        if (s.minScore < 0 || s.minScore > 1) {
            return "min_score must be between 0 and 1 (a detector score)";
        }
        return null;
    }
}
