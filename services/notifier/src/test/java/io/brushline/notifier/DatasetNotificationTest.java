package io.brushline.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.DatasetCompleted;
import io.brushline.common.messages.DatasetItem;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Failure;
import io.brushline.common.messages.ImageRef;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.stage.IncomingRecords;
import io.brushline.common.stage.Retrying;
import io.brushline.common.state.BatchStore;
import io.brushline.common.state.DatasetStore;
import io.brushline.common.storage.ObjectStore;
import io.brushline.common.testing.RedisServerExtension;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The notifier's part in dataset jobs, against a real redis-server: a dataset's removal jobs go on to
 * {@code dataset-removed} without a webhook of their own, and a finished dataset is announced by one
 * signed {@code dataset.completed} webhook however often its event comes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetNotificationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private NotifierParts parts;
    private SentRecords<String> parked;
    private SentRecords<EditJob> removed;
    private NotifierStage stage;
    private DatasetCompletion completion;

    @BeforeAll
    void buildTheNotifiersParts() throws IOException {
        parts = new NotifierParts(REDIS, JSON);
    }

    @BeforeEach
    void clean() {
        parts.redis.flushall();
        parked = new SentRecords<>();
        removed = new SentRecords<>();
        IncomingRecords incoming = new IncomingRecords(JSON, parts.jobs, parked.emitter);
        Retrying retrying = new Retrying(parts.common);
        ObjectStore noManifests = new ObjectStore(parts.common) {
            @Override
            public void put(String key, byte[] bytes, String contentType) {
                throw new AssertionError("a batch manifest was written");
            }
        };
        BatchCompletion batchCompletion = new BatchCompletion(parts.batches, parts.jobs, parts.subjects, noManifests,
                JSON);
        stage = new NotifierStage(parts.queue, parts.jobs, JSON, incoming, retrying,
                new JobTracing(OpenTelemetry.noop().getTracer("t")), batchCompletion, removed.emitter);
        completion = new DatasetCompletion(parts.datasets, parts.subjects, JSON, incoming, retrying);
    }

    private long deliveries() {
        return parts.redis.zcard(DeliveryQueue.DUE);
    }

    /** Removal k of image i of dataset ds1, as the survey creates it (with a webhook URL, to show it is not used). */
    private EditJob removal(int image, int object) {
        String jobId = DatasetStore.removalJobId("ds1", image, object);
        return new EditJob(EditJob.SCHEMA_VERSION, jobId, "acme", 1, null, "2026-01-01T00:00:00Z",
                "remove the dog", new ImageRef("datasets/ds1/sources/" + image, "image/jpeg", 64, 48), null,
                "https://hooks.example/jobs", null, null, null, null, null, null)
                .withDataset(new DatasetItem("ds1", image, object, "dog", new Box(4, 4, 20, 30), 0.9,
                        "add a dog next to the sofa", null));
    }

    private static ConsumerRecord<String, String> record(String topic, String key, Object value) throws Exception {
        return new ConsumerRecord<>(topic, 0, 0, key, JSON.writeValueAsString(value));
    }

    @Test
    void aDatasetsRemovalGoesOnToDatasetRemovedWithoutAWebhookEvenWhenRedelivered() throws Exception {
        EditJob done = removal(0, 0).withResult(new ImageRef("jobs/x/result.png", "image/png", 64, 48));
        EditJob failed = removal(0, 1).withFailure(new Failure("grounding", "object_not_found", "no dog was found"));
        // a removal that is also a batch item would be counted there: nothing may count it
        parts.jobs.create(done, Map.of("datasetId", "ds1", "batchId", "b1", "batchIndex", "0"));
        parts.jobs.create(failed, Map.of("datasetId", "ds1"));
        assertEquals(BatchStore.Created.CREATED, parts.batches.create(new BatchStore.NewBatch("b1", "acme",
                List.of(done.jobId()), Map.of("webhookUrl", "https://hooks.example/batch"), Map.of()), 10));

        stage.completed(record("edit-completed", done.jobId(), done));
        stage.completed(record("edit-completed", done.jobId(), done));
        stage.failed(record("edit-failed", failed.jobId(), failed));

        assertEquals(List.of(new SentRecords.Sent<>(done.jobId(), done), new SentRecords.Sent<>(done.jobId(), done),
                new SentRecords.Sent<>(failed.jobId(), failed)), removed.sent, "records sent to dataset-removed");
        assertEquals(0, deliveries(), "webhooks scheduled");
        assertNull(parts.jobs.get(done.jobId()).get("webhook"));
        assertEquals("1", parts.batches.get("b1").get("remaining"), "the removal was counted as a batch item");
        assertEquals("SUCCEEDED", parts.jobs.get(done.jobId()).get("state"));
        assertEquals("FAILED", parts.jobs.get(failed.jobId()).get("state"));
        assertEquals("object_not_found", parts.jobs.get(failed.jobId()).get("failureCode"));
        assertTrue(parked.sent.isEmpty(), "records parked");
    }

    @Test
    void aRemovalWhoseJobRecordIsGoneStillReachesItsDataset() throws Exception {
        EditJob done = removal(2, 0);
        stage.completed(record("edit-completed", done.jobId(), done));

        assertEquals(List.of(new SentRecords.Sent<>(done.jobId(), done)), removed.sent);
        assertTrue(parked.sent.isEmpty(), "records parked");
    }

    @Test
    void aRemovalWhoseMessageCannotBeReadReachesItsDatasetAsFailed() throws Exception {
        EditJob submitted = removal(1, 2);
        parts.jobs.create(submitted);

        stage.completed(new ConsumerRecord<>("edit-completed", 0, 5, submitted.jobId(), "{\"jobId\": truncated"));

        assertEquals(1, parked.sent.size(), "the unreadable record is parked");
        assertEquals(1, removed.sent.size(), "records sent to dataset-removed");
        EditJob forwarded = removed.sent.get(0).value();
        assertEquals(submitted.dataset(), forwarded.dataset(), "the dataset tag, rebuilt from the job's record");
        assertEquals("invalid_message", forwarded.failure().code());
        assertEquals("FAILED", parts.jobs.get(submitted.jobId()).get("state"));
        assertEquals(0, deliveries(), "webhooks scheduled");
    }

    /** ds1: 3 images, one of which could not be fetched; 2 pairs kept, objects dropped for three reasons. */
    private void finishedDataset(String webhookUrl) {
        Map<String, String> fields = webhookUrl == null ? Map.of("settings", "{}")
                : Map.of("settings", "{}", "webhookUrl", webhookUrl);
        assertTrue(parts.datasets.create("ds1", "acme", 3, fields));
        parts.datasets.recordSurvey("ds1", 0, 4, 2, Map.of("area_too_small", 2));
        parts.datasets.recordSurvey("ds1", 1, 2, 1, Map.of("touches_border", 1));
        parts.datasets.recordFailedImage("ds1", 2, "{\"error\":\"fetch_failed\",\"message\":\"the URL answered 404\"}");
        parts.datasets.recordPair("ds1", "000000-00", null, "{\"pair\":\"000000-00\"}");
        parts.datasets.recordPair("ds1", "000000-01", "still_detected", null);
        assertEquals(0, parts.datasets.recordPair("ds1", "000001-00", null, "{\"pair\":\"000001-00\"}"));
        parts.datasets.markCompleted("ds1", "acme");
    }

    @Test
    void aRedeliveredCompletionMakesOneWebhook() throws Exception {
        finishedDataset("https://hooks.example/datasets");
        var event = record("dataset-completed", "ds1", new DatasetCompleted("ds1"));

        completion.completed(event);
        completion.completed(event);

        assertEquals(1, deliveries(), "webhooks scheduled");
        var delivery = parts.queue.load("dataset_ds1").orElseThrow();
        assertEquals("msg_dataset_ds1", delivery.webhookId());
        assertEquals("https://hooks.example/datasets", delivery.url());
        assertEquals("acme", delivery.tenant());
        assertEquals("pending", parts.datasets.get("ds1").get("webhook"));
        JsonNode body = JSON.readTree(delivery.body());
        assertEquals("dataset.completed", body.get("type").asText());
        assertEquals(JSON.readTree("""
                {"id":"ds1","state":"completed","images":3,"pairs_kept":2,
                 "dropped":{"area_too_small":2,"image_failed":1,"still_detected":1,"touches_border":1},
                 "failed_images":1,
                 "status_url":"/v1/datasets/ds1","metadata_url":"/v1/datasets/ds1/files/metadata.jsonl"}"""),
                body.get("data"));

        // delivered, and the delivery record expired since: an event that comes again still sends nothing
        parts.datasets.recordWebhookStatus("ds1", "delivered");
        parts.redis.del(DeliveryQueue.key("dataset_ds1"));
        parts.redis.zrem(DeliveryQueue.DUE, "dataset_ds1");
        completion.completed(event);
        assertEquals(0, deliveries(), "webhooks scheduled after delivery");
        assertTrue(parked.sent.isEmpty(), "records parked");
    }

    @Test
    void aDatasetWithoutAWebhookOrWithoutARecordIsNotAnnounced() throws Exception {
        finishedDataset(null);
        assertFalse(completion.announce("ds1"));
        assertFalse(completion.announce("unknown"));
        assertEquals(0, deliveries());
        assertNull(parts.datasets.get("ds1").get("webhook"));
    }

    @Test
    void anUnreadableCompletionIsParkedWithItsReason() throws Exception {
        completion.completed(new ConsumerRecord<>("dataset-completed", 0, 7, "ds1", "{\"dataset\":\"ds1\"}"));
        completion.completed(new ConsumerRecord<>("dataset-completed", 0, 8, "ds1", "not json"));

        assertEquals(2, parked.sent.size(), "records parked");
        assertEquals("{\"dataset\":\"ds1\"}", parked.sent.get(0).value());
        assertEquals("ds1", parked.sent.get(0).key());
        assertEquals(0, deliveries());
    }

    @Test
    void theDatasetWebhookIsSignedSentAndMatchesItsSchema() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            finishedDataset(receiver.url());
            completion.completed(record("dataset-completed", "ds1", new DatasetCompleted("ds1")));
            receiver.dispatchUntil(parts, () -> "delivered".equals(parts.datasets.get("ds1").get("webhook")));

            assertEquals("delivered", parts.datasets.get("ds1").get("webhook"));
            assertEquals(1, receiver.received().size(), "dataset webhooks received");
            var call = receiver.received().get(0);
            assertEquals("msg_dataset_ds1", call.get("id"));
            assertEquals(new WebhookSigner(NotifierParts.SECRET).sign("msg_dataset_ds1",
                    Long.parseLong(call.get("timestamp")), call.get("body")), call.get("signature"));
            JsonNode body = JSON.readTree(call.get("body"));
            var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SchemaLocation.of(
                    Path.of(System.getProperty("brushline.schemas.dir")).resolve("dataset-webhook-event.json").toUri()
                            .toString()));
            var errors = schema.validate(body);
            assertTrue(errors.isEmpty(), "dataset webhook " + body + " violates its schema: " + errors);
            assertEquals(0, deliveries());
        }
    }
}
