package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.brushline.common.imaging.ResultFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The message every topic carries. The envelope grows as the job moves on: each stage adds what it
 * decided and never calls back to an earlier stage. Kafka record key = {@code jobId}.
 *
 * @param stageMillis the engine time each stage spent on this job (compute and image codecs), by stage
 * @param operation   what the painting step does (CPU operation or generative painter); null until classified
 * @param storageMillis the time each stage spent reading and writing object storage for this job, by stage:
 *                    carried with the job so the next stage records both timings with its own state change
 * @param dataset     set on the removal jobs of a dataset job: which dataset, image and object the removal is for
 * @param resultFormat what the result is encoded as, decided at submission; null on messages written before it
 *                    was carried, which mean PNG
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
        Operation operation,
        Map<String, Long> storageMillis,
        DatasetItem dataset,
        ResultFormat resultFormat) {

    public static final int SCHEMA_VERSION = 1;

    /** A job with no operation decided yet. */
    public EditJob(int schemaVersion, String jobId, String tenant, int attempt, String traceparent, String createdAt,
            String instruction, ImageRef source, Hints hints, String webhookUrl, Classification classification,
            Grounding grounding, MaskRef mask, ImageRef result, Failure failure, Map<String, Long> stageMillis) {
        this(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints, webhookUrl,
                classification, grounding, mask, result, failure, stageMillis, null, null, null, null);
    }

    public EditJob withOperation(Operation value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, result, failure, stageMillis, value,
                storageMillis, dataset, resultFormat);
    }

    public EditJob withClassification(Classification value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, value, grounding, mask, result, failure, stageMillis, operation,
                storageMillis, dataset, resultFormat);
    }

    public EditJob withGrounding(Grounding value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, value, mask, result, failure, stageMillis, operation,
                storageMillis, dataset, resultFormat);
    }

    public EditJob withMask(MaskRef value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, value, result, failure, stageMillis, operation,
                storageMillis, dataset, resultFormat);
    }

    public EditJob withResult(ImageRef value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, value, failure, stageMillis, operation,
                storageMillis, dataset, resultFormat);
    }

    public EditJob withFailure(Failure value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, result, value, stageMillis, operation,
                storageMillis, dataset, resultFormat);
    }

    public EditJob withDataset(DatasetItem value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, result, failure, stageMillis, operation,
                storageMillis, value, resultFormat);
    }

    public EditJob withResultFormat(ResultFormat value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, result, failure, stageMillis, operation,
                storageMillis, dataset, value);
    }

    /** The same job as seen from a later span of its trace. */
    public EditJob withTraceparent(String value) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, value, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, result, failure, stageMillis, operation,
                storageMillis, dataset, resultFormat);
    }

    /** The job with one stage's engine time and object-storage time added. */
    public EditJob withStageTimes(String stage, long engineMillis, long storageMillis) {
        return new EditJob(schemaVersion, jobId, tenant, attempt, traceparent, createdAt, instruction, source, hints,
                webhookUrl, classification, grounding, mask, result, failure, with(stageMillis, stage, engineMillis),
                operation, with(this.storageMillis, stage, storageMillis), dataset, resultFormat);
    }

    private static Map<String, Long> with(Map<String, Long> timings, String stage, long millis) {
        var copy = new TreeMap<String, Long>(timings == null ? Map.of() : timings);
        copy.put(stage, millis);
        return copy;
    }

    public Category category() {
        return classification == null ? null : classification.category();
    }
}
