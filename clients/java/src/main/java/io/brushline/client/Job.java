package io.brushline.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * An edit job as {@code GET /v1/edits/{id}} (and each progress event) shows it. Fields the gateway
 * leaves out are null (or empty maps); fields a newer gateway adds are ignored.
 *
 * @param id the job id
 * @param state where the job is
 * @param instruction the instruction as submitted
 * @param createdAt when the job was accepted
 * @param width width of the (upright) source image in pixels
 * @param height height of the (upright) source image in pixels
 * @param category what kind of edit the classifier decided on (GLOBAL, LOCAL, REMOVE, ADD, BACKGROUND)
 * @param object the object the edit is about, if any
 * @param targetPrompt what the painter was asked to paint
 * @param negativePrompt what the painter was asked to avoid
 * @param engine which classifier engine decided
 * @param grounding how the object was found (detected, or the hint that replaced detection)
 * @param operation which tier and operation painted the job
 * @param transitions when the job entered each state
 * @param stageMillis engine time per stage in milliseconds
 * @param storageMillis object-storage time per stage in milliseconds
 * @param failure why the job failed (FAILED only)
 * @param resultUrl path of the result (SUCCEEDED only)
 * @param resultType media type of the result, {@code image/jpeg} or {@code image/png}, once there is one
 *     (a gateway that leaves it out writes PNG only, so a result without it is {@code image/png})
 * @param maskUrl path of the mask the painter used, once there is one
 * @param webhook delivery state of the job's webhook: pending, delivered, gone, exhausted or refused
 */
public record Job(
        @JsonProperty("id") String id,
        @JsonProperty("state") JobState state,
        @JsonProperty("instruction") String instruction,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("width") int width,
        @JsonProperty("height") int height,
        @JsonProperty("category") String category,
        @JsonProperty("object") String object,
        @JsonProperty("target_prompt") String targetPrompt,
        @JsonProperty("negative_prompt") String negativePrompt,
        @JsonProperty("engine") String engine,
        @JsonProperty("grounding") String grounding,
        @JsonProperty("operation") Operation operation,
        @JsonProperty("transitions") Map<JobState, Instant> transitions,
        @JsonProperty("stage_millis") Map<String, Long> stageMillis,
        @JsonProperty("storage_millis") Map<String, Long> storageMillis,
        @JsonProperty("failure") Failure failure,
        @JsonProperty("result_url") String resultUrl,
        @JsonProperty("result_type") String resultType,
        @JsonProperty("mask_url") String maskUrl,
        @JsonProperty("webhook") String webhook) {

    private static final String PNG = "image/png";
    private static final String JPEG = "image/jpeg";

    public Job {
        transitions = transitions == null ? Map.of() : Map.copyOf(transitions);
        stageMillis = stageMillis == null ? Map.of() : Map.copyOf(stageMillis);
        storageMillis = storageMillis == null ? Map.of() : Map.copyOf(storageMillis);
        // a gateway older than output formats leaves the type out: its results are all PNG
        if (resultType == null && resultUrl != null) {
            resultType = PNG;
        }
    }

    /** The file name ending for the result: {@code .jpg} for a JPEG, {@code .png} otherwise. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String resultExtension() {
        return JPEG.equals(resultType) ? ".jpg" : ".png";
    }

    /** Whether the job has ended (SUCCEEDED, FAILED or CANCELED). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isTerminal() {
        return state != null && state.isTerminal();
    }

    /** Whether the job ended with a result. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean succeeded() {
        return state == JobState.SUCCEEDED;
    }

    /**
     * Which tier and operation painted the job.
     *
     * @param tier {@code cpu} or {@code generative}
     * @param name the operation ({@code greyscale}, {@code recolour}, {@code inpaint-add}, ...)
     * @param params its parameters ({@code colour}, ...)
     * @param note a remark on how it was applied, if any
     */
    public record Operation(
            @JsonProperty("tier") String tier,
            @JsonProperty("name") String name,
            @JsonProperty("params") Map<String, String> params,
            @JsonProperty("note") String note) {

        public Operation {
            params = params == null ? Map.of() : Map.copyOf(params);
        }
    }

    /**
     * Why a job failed.
     *
     * @param stage the stage that failed it
     * @param code a stable code ({@code object_not_found}, {@code invalid_hint}, ...)
     * @param reason a reason a person can act on
     */
    public record Failure(
            @JsonProperty("stage") String stage,
            @JsonProperty("code") String code,
            @JsonProperty("reason") String reason) {
    }
}
