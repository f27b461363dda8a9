package io.brushline.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.state.BatchStore;
import io.brushline.common.state.DatasetStore;
import io.brushline.common.state.JobStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What a webhook delivery announces, told by its delivery id: a job (the id is the job's, a UUID) or a
 * whole batch or dataset (the id is {@link #BATCH} or {@link #DATASET} followed by the batch's or the
 * dataset's id). The delivery's status is recorded on what it announces, where the API shows it.
 */
@ApplicationScoped
public class WebhookSubjects {

    static final String BATCH = "batch_";
    static final String DATASET = "dataset_";

    private final DeliveryQueue queue;
    private final JobStore jobs;
    private final ObjectMapper json;
    private final Map<String, BiConsumer<String, String>> wholes;

    public WebhookSubjects(DeliveryQueue queue, JobStore jobs, BatchStore batches, DatasetStore datasets,
            ObjectMapper json) {
        this.queue = queue;
        this.jobs = jobs;
        this.json = json;
        this.wholes = Map.of(BATCH, batches::recordWebhookStatus, DATASET, datasets::recordWebhookStatus);
    }

    /** The body of every webhook: its type, when it was made, and what it is about. */
    static String event(ObjectMapper json, String type, Map<String, Object> data) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("timestamp", Instant.now().toString());
        event.put("data", data);
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Schedules the one webhook of a whole batch or dataset, signed and retried as job webhooks are
     * (webhook-id {@code msg_<kind>_<id>} on every attempt). Repeating the call adds nothing: the
     * delivery is keyed by what it announces.
     *
     * @param kind {@link #BATCH} or {@link #DATASET}
     * @return whether this call scheduled it
     */
    boolean announce(String kind, String id, String tenant, String url, String type, Map<String, Object> data) {
        String deliveryId = kind + id;
        if (!queue.enqueue(deliveryId, "msg_" + deliveryId, tenant, url, event(json, type, data), null)) {
            return false;
        }
        recordStatus(deliveryId, "pending");
        return true;
    }

    /** Writes a delivery's status (pending, delivered, gone, exhausted, refused) where the API shows it. */
    void recordStatus(String deliveryId, String status) {
        for (Map.Entry<String, BiConsumer<String, String>> whole : wholes.entrySet()) {
            if (deliveryId.startsWith(whole.getKey())) {
                whole.getValue().accept(deliveryId.substring(whole.getKey().length()), status);
                return;
            }
        }
        jobs.recordWebhookStatus(deliveryId, status);
    }
}
