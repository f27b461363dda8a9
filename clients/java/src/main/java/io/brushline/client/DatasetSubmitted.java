package io.brushline.client;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer to a dataset submission.
 *
 * @param id the dataset id
 * @param images how many images the dataset has
 * @param statusUrl path of the dataset's status
 * @param created false when an earlier request with the same idempotency key already created this dataset
 */
public record DatasetSubmitted(
        @JsonProperty("id") String id,
        @JsonProperty("images") int images,
        @JsonProperty("status_url") String statusUrl,
        @JsonProperty("created") boolean created) {
}
