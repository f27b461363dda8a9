package io.brushline.client;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A batch as {@code GET /v1/batches/{id}} shows it: its state, counts by job state and one page of
 * items. Fields the gateway leaves out are null (or empty); fields a newer gateway adds are ignored.
 *
 * @param id the batch id
 * @param state {@code running}, {@code completed} or {@code cancelled}
 * @param total how many items the batch has
 * @param remaining how many items have not ended
 * @param counts items by job state ({@code SUCCEEDED}, {@code FAILED}, ..., {@code NOT_SUBMITTED})
 * @param createdAt when the batch was accepted (ISO-8601)
 * @param completedAt when its last item ended (ISO-8601), once it has
 * @param manifestUrl path of the result manifest, once every item has ended
 * @param webhookUrl where {@code batch.completed} is sent, if anywhere
 * @param webhook delivery state of the batch webhook
 * @param items the items of this page, in index order
 * @param offset the index of the first item of this page
 * @param nextPageToken the token of the next page; null on the last one
 */
public record Batch(
        @JsonProperty("id") String id,
        @JsonProperty("state") String state,
        @JsonProperty("total") int total,
        @JsonProperty("remaining") int remaining,
        @JsonProperty("counts") Map<String, Long> counts,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("completed_at") String completedAt,
        @JsonProperty("manifest_url") String manifestUrl,
        @JsonProperty("webhook_url") String webhookUrl,
        @JsonProperty("webhook") String webhook,
        @JsonProperty("items") List<Item> items,
        @JsonProperty("offset") int offset,
        @JsonProperty("next_page_token") String nextPageToken) {

    public Batch {
        counts = InOrder.copy(counts);
        items = items == null ? List.of() : List.copyOf(items);
    }

    /** Whether every item has ended (the batch completed, or was cancelled and its last item ended). */
    @JsonIgnore
    public boolean isFinished() {
        return remaining == 0;
    }

    /** This batch with the given items instead of one page of them. */
    Batch withItems(List<Item> all) {
        return new Batch(id, state, total, remaining, counts, createdAt, completedAt, manifestUrl, webhookUrl,
                webhook, all, 0, null);
    }

    /**
     * One item of a batch.
     *
     * @param index its place in the batch, from 0
     * @param jobId the id of its edit job ({@link BrushlineClient#status} works on it)
     * @param state the job's state, or {@code NOT_SUBMITTED} when the job does not exist
     * @param resultUrl path of the result (SUCCEEDED only)
     * @param failure why the job failed (FAILED only): its code and reason
     * @param metadata the metadata given with the item, as it was given
     */
    public record Item(int index, @JsonProperty("job_id") String jobId, String state,
            @JsonProperty("result_url") String resultUrl, Failure failure, JsonNode metadata) {

        /** Whether the item's job ended with a result. */
        @JsonIgnore
        public boolean succeeded() {
            return "SUCCEEDED".equals(state);
        }
    }

    /**
     * Why an item failed.
     *
     * @param code a stable code ({@code invalid_image_url}, {@code object_not_found}, ...)
     * @param reason a reason a person can act on
     */
    public record Failure(String code, String reason) {
    }
}
