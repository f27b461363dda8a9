package io.brushline.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.messages.DatasetCompleted;
import io.brushline.common.stage.IncomingRecords;
import io.brushline.common.stage.Retrying;
import io.brushline.common.state.DatasetCounts;
import io.brushline.common.state.DatasetStore;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Announces finished datasets: for each {@link DatasetCompleted} whose dataset asked for a webhook,
 * one {@code dataset.completed} webhook ({@link WebhookSubjects#announce}), signed and retried as job
 * webhooks are. The dataset's files are written before the event is sent, so a receiver can fetch
 * them on the webhook. A redelivered event finds the delivery, keyed by the dataset, and adds nothing.
 */
@ApplicationScoped
public class DatasetCompletion {

    private static final Logger LOG = Logger.getLogger(DatasetCompletion.class);

    private final DatasetStore datasets;
    private final WebhookSubjects webhooks;
    private final ObjectMapper json;
    private final IncomingRecords incoming;
    private final Retrying retrying;

    public DatasetCompletion(DatasetStore datasets, WebhookSubjects webhooks, ObjectMapper json,
            IncomingRecords incoming, Retrying retrying) {
        this.datasets = datasets;
        this.webhooks = webhooks;
        this.json = json;
        this.incoming = incoming;
        this.retrying = retrying;
    }

    @Incoming("dataset-completed")
    @Blocking(ordered = false)
    public void completed(ConsumerRecord<String, String> record) {
        // Redis briefly unreachable must not lose the announcement: reading and scheduling are retried.
        retrying.run("dataset webhook for record " + record.topic() + "-" + record.partition() + "@"
                + record.offset(), () -> read(record).ifPresent(this::announce));
    }

    /** The dataset the record announces; empty when the record is unreadable, which is then parked. */
    private Optional<String> read(ConsumerRecord<String, String> record) {
        JsonNode tree;
        try {
            tree = json.readTree(record.value() == null ? "" : record.value());
        } catch (JsonProcessingException e) {
            incoming.park(record, "not JSON: " + e.getOriginalMessage());
            return Optional.empty();
        }
        String datasetId = tree == null ? "" : tree.path("datasetId").asText("");
        if (datasetId.isBlank()) {
            incoming.park(record, "not a dataset completion message: no datasetId");
            return Optional.empty();
        }
        return Optional.of(datasetId);
    }

    /**
     * Schedules the dataset's webhook, if it has a URL and none was scheduled before.
     *
     * @return whether this call scheduled it
     */
    boolean announce(String datasetId) {
        Map<String, String> dataset = datasets.get(datasetId);
        if (dataset.isEmpty()) {
            LOG.warnf("dataset %s completed but its record is gone (expired); no webhook is sent", datasetId);
            return false;
        }
        String url = dataset.get("webhookUrl");
        // A recorded status means the webhook was scheduled, even if its delivery record has expired since.
        if (url == null || dataset.containsKey("webhook")) {
            return false;
        }
        // Counted as GET /v1/datasets/{id} counts them: the webhook says what the API shows.
        DatasetCounts counts = DatasetCounts.of(dataset);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", datasetId);
        data.put("state", "completed");
        data.put("images", count(dataset, "images"));
        data.put("pairs_kept", count(dataset, "pairs.kept"));
        data.put("dropped", counts.dropped());
        data.put("failed_images", counts.failedImages().size());
        data.put("status_url", "/v1/datasets/" + datasetId);
        data.put("metadata_url", "/v1/datasets/" + datasetId + "/files/metadata.jsonl");
        LOG.infof("dataset %s completed: %s pairs kept, dropped %s", datasetId, data.get("pairs_kept"),
                counts.dropped());
        return webhooks.announce(WebhookSubjects.DATASET, datasetId, dataset.getOrDefault("tenant", ""), url,
                "dataset.completed", data);
    }

    private static int count(Map<String, String> dataset, String field) {
        return Integer.parseInt(dataset.getOrDefault(field, "0"));
    }
}
