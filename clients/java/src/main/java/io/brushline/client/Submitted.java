package io.brushline.client;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer to a submission.
 *
 * @param id the job id
 * @param statusUrl path of the job's status
 * @param created false when an earlier request with the same idempotency key already created this job
 */
public record Submitted(
        @JsonProperty("id") String id,
        @JsonProperty("status_url") String statusUrl,
        @JsonProperty("created") boolean created) {
}
