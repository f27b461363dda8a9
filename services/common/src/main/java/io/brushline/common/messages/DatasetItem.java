package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a message of a dataset job is about. The gateway sends one per image to {@code dataset-requested}
 * ({@code object} null: survey the image); the survey sends one removal job per object it keeps
 * ({@code object} its index among the image's kept objects, with the object's class, box, detector
 * score and the instruction that adds it back). {@code templateInstruction} is the templated add-back
 * instruction when a language model reworded it into {@code addInstruction}; null when the template is
 * what is used.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetItem(
        String datasetId,
        int image,
        Integer object,
        String label,
        Box box,
        Double score,
        String addInstruction,
        String templateInstruction) {

    /** What a survey request asks, in its {@code instruction}: every message of the pipeline says what it is for. */
    public static final String SURVEY_INSTRUCTION = "find the objects that can be removed";

    /** The survey request for image {@code image} of a dataset. */
    public static DatasetItem survey(String datasetId, int image) {
        return new DatasetItem(datasetId, image, null, null, null, null, null, null);
    }

    /** The pair's name within its dataset: image and object index, zero-padded so that names sort. */
    public String pairName() {
        return String.format(java.util.Locale.ROOT, "%06d-%02d", image, object == null ? 0 : object);
    }
}
