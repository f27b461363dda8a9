package io.brushline.client;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A dataset job as {@code GET /v1/datasets/{id}} shows it: how far it is, what it kept and dropped,
 * and where its output is. Fields the gateway leaves out are null (or empty); fields a newer gateway
 * adds are ignored.
 *
 * @param id the dataset id
 * @param state {@code running} or {@code completed}
 * @param images how many images were submitted
 * @param imagesSurveyed how many of them have been searched for objects
 * @param objectsFound objects found in the surveyed images
 * @param pairsQueued objects sent for removal (those the filters kept)
 * @param pairsKept pairs written to the dataset
 * @param pairsUnverified of them, pairs the detector could not check (a supplied object of a class it does
 *        not know; {@code "verified": false} in their row)
 * @param pairsDropped removals left out after the fact (failed, or the object still detected)
 * @param dropped what was left out, by reason ({@code area_too_small}, {@code still_detected}, ...)
 * @param failedImages images that could not be used, with the reason
 * @param remaining images and removals the dataset still waits for
 * @param createdAt when the dataset was accepted (ISO-8601)
 * @param completedAt when its files were written (ISO-8601), once they have been
 * @param elapsedSeconds seconds from acceptance to completion, or until now
 * @param pairsPerMinute pairs ended per minute so far; null before the first
 * @param etaSeconds seconds until it completes at that rate; null while unknown
 * @param filters the filters in use, defaults filled in
 * @param webhookUrl where {@code dataset.completed} is sent, if anywhere
 * @param webhook delivery state of that webhook
 * @param output where the dataset's files are
 */
public record Dataset(
        @JsonProperty("id") String id,
        @JsonProperty("state") String state,
        @JsonProperty("images") int images,
        @JsonProperty("images_surveyed") int imagesSurveyed,
        @JsonProperty("objects_found") long objectsFound,
        @JsonProperty("pairs_queued") long pairsQueued,
        @JsonProperty("pairs_kept") long pairsKept,
        @JsonProperty("pairs_unverified") long pairsUnverified,
        @JsonProperty("pairs_dropped") long pairsDropped,
        @JsonProperty("dropped") Map<String, Long> dropped,
        @JsonProperty("failed_images") List<FailedImage> failedImages,
        @JsonProperty("remaining") long remaining,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("completed_at") String completedAt,
        @JsonProperty("elapsed_seconds") Long elapsedSeconds,
        @JsonProperty("pairs_per_minute") Double pairsPerMinute,
        @JsonProperty("eta_seconds") Long etaSeconds,
        @JsonProperty("filters") JsonNode filters,
        @JsonProperty("webhook_url") String webhookUrl,
        @JsonProperty("webhook") String webhook,
        @JsonProperty("output") Output output) {

    public Dataset {
        dropped = InOrder.copy(dropped);
        failedImages = failedImages == null ? List.of() : List.copyOf(failedImages);
    }

    /** Whether the dataset's files are written: every image surveyed and every removal ended. */
    @JsonIgnore
    public boolean isCompleted() {
        return "completed".equals(state);
    }

    /**
     * An image that could not be used.
     *
     * @param index its place among the submitted images, from 0
     * @param error a stable code ({@code invalid_image_url}, {@code not_an_image}, ...)
     * @param message the reason in words
     */
    public record FailedImage(int index, String error, String message) {
    }

    /**
     * Where the dataset's files are, readable with {@link BrushlineClient#datasetFile}.
     *
     * @param prefix their prefix in the object store
     * @param metadataUrl path of {@code metadata.jsonl}, one row per kept pair
     * @param cardUrl path of {@code README.md}, the data card
     */
    public record Output(String prefix, @JsonProperty("metadata_url") String metadataUrl,
            @JsonProperty("card_url") String cardUrl) {
    }
}
