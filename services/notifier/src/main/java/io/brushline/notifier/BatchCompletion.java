package io.brushline.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.state.BatchStore;
import io.brushline.common.state.JobState;
import io.brushline.common.state.JobStore;
import io.brushline.common.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Ends batches. Each terminal job of a batch is counted once ({@link BatchStore#countTerminal}); the
 * count that finds no item left writes the result manifest (JSON lines, one per item, in order) and
 * schedules one {@code batch.completed} webhook ({@link WebhookSubjects#announce}), signed and retried
 * as job webhooks are. Each step may be repeated: a notifier that dies half-way gets the event again
 * (the Kafka record is acknowledged only afterwards), finds the count at zero and repeats the steps;
 * the manifest is overwritten with the same lines and the delivery, keyed by the batch, is created once.
 */
@ApplicationScoped
public class BatchCompletion {

    private static final Logger LOG = Logger.getLogger(BatchCompletion.class);

    static String manifestKey(String batchId) {
        return "batches/" + batchId + "/manifest.jsonl";
    }

    private final BatchStore batches;
    private final JobStore jobs;
    private final WebhookSubjects webhooks;
    private final ObjectStore storage;
    private final ObjectMapper json;

    public BatchCompletion(BatchStore batches, JobStore jobs, WebhookSubjects webhooks, ObjectStore storage,
            ObjectMapper json) {
        this.batches = batches;
        this.jobs = jobs;
        this.webhooks = webhooks;
        this.storage = storage;
        this.json = json;
    }

    /**
     * Counts a job that reached its terminal state, if it belongs to a batch; ends the batch when it
     * was the last.
     *
     * @param job the job's hash, read after it became terminal
     * @return whether the batch is complete (also when an earlier call completed it)
     */
    public boolean itemEnded(Map<String, String> job) {
        String batchId = job.get("batchId");
        String index = job.get("batchIndex");
        if (batchId == null || index == null) {
            return false;
        }
        long remaining = batches.countTerminal(batchId, Integer.parseInt(index));
        if (remaining != 0) {
            return false;
        }
        complete(batchId);
        return true;
    }

    /** Writes the manifest and schedules the webhook; safe to repeat. */
    void complete(String batchId) {
        Map<String, String> batch = batches.get(batchId);
        if (batch.isEmpty()) {
            return;
        }
        List<String> jobIds = batches.jobIds(batchId);
        List<Integer> indexes = java.util.stream.IntStream.range(0, jobIds.size()).boxed().toList();
        List<String> metadata = batches.metadata(batchId, indexes);
        StringBuilder manifest = new StringBuilder();
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < jobIds.size(); i++) {
            Map<String, String> job = jobs.get(jobIds.get(i));
            Map<String, Object> line = line(i, jobIds.get(i), job, metadata.get(i));
            counts.merge(String.valueOf(line.get("state")), 1, Integer::sum);
            manifest.append(write(line)).append('\n');
        }
        String key = manifestKey(batchId);
        storage.put(key, manifest.toString().getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
        String tenant = batch.get("tenant");
        batches.markCompleted(batchId, tenant, key);
        String state = "1".equals(batch.get("cancelRequested")) ? "cancelled" : "completed";
        LOG.infof("batch %s %s: %s", batchId, state, counts);
        String url = batch.get("webhookUrl");
        if (url == null) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", batchId);
        data.put("state", state);
        data.put("total", jobIds.size());
        data.put("counts", counts);
        data.put("status_url", "/v1/batches/" + batchId);
        data.put("manifest_url", "/v1/batches/" + batchId + "/manifest");
        webhooks.announce(WebhookSubjects.BATCH, batchId, tenant, url, "batch.completed", data);
    }

    /** One item of the manifest: what GET /v1/batches/{id} shows for it. */
    private Map<String, Object> line(int index, String jobId, Map<String, String> job, String metadata) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("index", index);
        line.put("job_id", jobId);
        line.put("state", job.isEmpty() ? "EXPIRED" : job.get("state"));
        if (JobState.SUCCEEDED.name().equals(job.get("state")) && job.containsKey("resultKey")) {
            line.put("result_url", "/v1/edits/" + jobId + "/result");
            line.put("result_type", JobStore.resultType(job));
        }
        if (JobState.FAILED.name().equals(job.get("state")) && job.containsKey("reason")) {
            line.put("failure", Map.of("code", job.getOrDefault("failureCode", ""), "reason", job.get("reason")));
        }
        if (metadata != null) {
            try {
                line.put("metadata", json.readTree(metadata));
            } catch (JsonProcessingException e) {
                line.put("metadata", metadata);
            }
        }
        return line;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
