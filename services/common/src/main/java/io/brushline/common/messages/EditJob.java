package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The message every topic carries. The envelope grows as the job moves on: each stage adds what it
 * decided and never calls back to an earlier stage. Kafka record key = {@code jobId}.
 *
 * @param stageMillis the engine time each stage spent on this job (compute and image codecs), by stage
 * @param operation   what the painting step does (CPU operation or generative painter); null until classified
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EditJob(
        int schemaVersion,
        String jobId,
        String tenant,
        int attempt,
        String traceparent,
        String createdAt,
        String instruction,
        ImageRef source,
        Hints hints,
        String webhookUrl,
        Classification classification,
        Grounding grounding,
        MaskRef mask,
        ImageRef result,
        Failure failure,
        Map<String, Long> stageMillis,
        Operation operation) {

    public static final int SCHEMA_VERSION = 1;

    /** A job with no operation decided yet. */
    public EditJob(int schemaVersion, String jobId, String tenant, int attempt, String traceparent, String createdAt,
            String instruction, ImageRef source, Hints hints, String webhookUrl, Classification classification,
            Grounding grounding, MaskRef mask, ImageRef result, Failure failure, Map<String, Long> stageMillis) {
        this(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints, webhookUrl,
                classification, grounding, mask, result, failure, stageMillis, null);
    }

    public EditJob withOperation(Operation value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, result, failure, stageMillis, value);
    }

    public EditJob withClassification(Classification value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, value, grounding, mask, result, failure, stageMillis, operation);
    }

    public EditJob withGrounding(Grounding value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, value, mask, result, failure, stageMillis, operation);
    }

    public EditJob withMask(MaskRef value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, value, result, failure, stageMillis, operation);
    }

    public EditJob withResult(ImageRef value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, value, failure, stageMillis, operation);
    }

    public EditJob withFailure(Failure value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, result, value, stageMillis, operation);
    }

    /** The same job as seen from a later span of its trace. */
    public EditJob withTraceparent(String value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, value, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, result, failure, stageMillis, operation);
    }

    public EditJob withStageMillis(String stage, long millis) {
        var timings = new java.util.TreeMap<String, Long>(stageMillis == null ? Map.of() : stageMillis);
        timings.put(stage, millis);
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, result, failure, timings, operation);
    }

    public Category category() {
        return classification == null ? null : classification.category();
    }
}
