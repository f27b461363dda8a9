package io.brushline.client;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer to a batch submission.
 *
 * @param id the batch id
 * @param statusUrl path of the batch's status
 * @param total how many items the batch has
 * @param created false when an earlier request with the same idempotency key already created this batch
 */
public record BatchSubmitted(
        @JsonProperty("id") String id,
        @JsonProperty("status_url") String statusUrl,
        @JsonProperty("total") int total,
        @JsonProperty("created") boolean created) {
}
