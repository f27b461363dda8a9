package io.brushline.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.state.BatchStore;
import io.brushline.common.storage.ObjectStore;
import io.brushline.common.storage.StorageException;
import io.brushline.common.testing.RedisServerExtension;
import io.brushline.common.testing.TestConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The end of a batch, against a real redis-server: each item counted once however often its terminal
 * event comes, one batch.completed webhook whatever the order, repetitions and crashes, the manifest
 * written, and the webhook signed and sent as job webhooks are.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchCompletionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private NotifierParts parts;
    private final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    private BatchCompletion completion;
    private BatchSweep sweep;
    private volatile boolean storageDown;

    @BeforeAll
    void buildTheNotifiersParts() throws IOException {
        parts = new NotifierParts(REDIS, JSON);
        ObjectStore storage = new ObjectStore(parts.common) {
            @Override
            public void put(String key, byte[] bytes, String contentType) {
                if (storageDown) {
                    throw new StorageException("put " + key, new IOException("connection refused"));
                }
                stored.put(key, bytes.clone());
            }
        };
        completion = new BatchCompletion(parts.batches, parts.jobs, parts.subjects, storage, JSON);
        sweep = new BatchSweep(parts.batches, completion, TestConfig.mapping(BatchSweepConfig.class, Map.of()));
    }

    @BeforeEach
    void clean() {
        parts.redis.flushall();
        stored.clear();
        storageDown = false;
    }

    /** A running batch of {@code n} items whose jobs exist (QUEUED), as the gateway leaves it. */
    private List<String> batch(String batchId, int n, String webhookUrl) {
        List<String> jobIds = new ArrayList<>();
        Map<Integer, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String jobId = BatchStore.itemJobId(batchId, i);
            jobIds.add(jobId);
            parts.redis.hset("brushline:job:" + jobId, Map.of("state", "QUEUED", "stateRank", "0", "tenant", "acme",
                    "batchId", batchId, "batchIndex", String.valueOf(i)));
            metadata.put(i, "{\"sku\":\"S-" + i + "\"}");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("createdAt", "2026-01-01T00:00:00Z");
        if (webhookUrl != null) {
            fields.put("webhookUrl", webhookUrl);
        }
        assertEquals(BatchStore.Created.CREATED,
                parts.batches.create(new BatchStore.NewBatch(batchId, "acme", jobIds, fields, metadata), 10));
        return jobIds;
    }

    /** What the notifier does for a job's terminal event: the job ends, then its batch counts it. */
    private boolean ends(String jobId, String state) {
        parts.redis.hset("brushline:job:" + jobId, "state", state);
        if (state.equals("SUCCEEDED")) {
            parts.redis.hset("brushline:job:" + jobId, "resultKey", "jobs/" + jobId + "/result.png");
        }
        if (state.equals("FAILED")) {
            parts.redis.hset("brushline:job:" + jobId, Map.of("failureCode", "object_not_found",
                    "reason", "no dog was found in the image"));
        }
        return completion.itemEnded(parts.jobs.get(jobId));
    }

    private long deliveries() {
        return parts.redis.zcard(DeliveryQueue.DUE);
    }

    @Test
    void theLastItemToEndCompletesTheBatchOnceEvenWhenEventsComeAgain() throws Exception {
        List<String> jobIds = batch("b1", 3, "https://hooks.example/batch");

        assertFalse(ends(jobIds.get(0), "SUCCEEDED"));
        assertFalse(ends(jobIds.get(1), "FAILED"));
        assertFalse(ends(jobIds.get(1), "FAILED"), "a redelivered event of item 1");
        assertFalse(ends(jobIds.get(0), "SUCCEEDED"), "a redelivered event of item 0");
        assertEquals("1", parts.batches.get("b1").get("remaining"), "a redelivered event was counted twice");
        assertEquals(0, deliveries());
        assertNull(parts.batches.get("b1").get("manifestKey"));

        assertTrue(ends(jobIds.get(2), "CANCELED"));
        assertTrue(ends(jobIds.get(2), "CANCELED"), "the last item's event again");
        assertTrue(ends(jobIds.get(0), "SUCCEEDED"), "the first item's event again");

        assertEquals("0", parts.batches.get("b1").get("remaining"));
        assertEquals(1, deliveries(), "batch webhooks scheduled");
        var delivery = parts.queue.load("batch_b1").orElseThrow();
        assertEquals("msg_batch_b1", delivery.webhookId());
        assertEquals("https://hooks.example/batch", delivery.url());
        assertEquals("acme", delivery.tenant());
        assertEquals(0, delivery.attempts());
        JsonNode event = JSON.readTree(delivery.body());
        assertEquals("batch.completed", event.get("type").asText());
        assertEquals("completed", event.at("/data/state").asText());
        assertEquals(3, event.at("/data/total").asInt());
        assertEquals(JSON.readTree("{\"CANCELED\":1,\"FAILED\":1,\"SUCCEEDED\":1}"), event.at("/data/counts"));
        assertEquals("/v1/batches/b1/manifest", event.at("/data/manifest_url").asText());
        assertEquals("pending", parts.batches.get("b1").get("webhook"));
        assertNotNull(parts.batches.get("b1").get("completedAt"));
        assertEquals(0, parts.redis.zcard("brushline:batches-in-flight:acme"), "the batch still counts as running");

        String[] lines = new String(stored.get("batches/b1/manifest.jsonl"), StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length);
        assertEquals(JSON.readTree("{\"index\":0,\"job_id\":\"" + jobIds.get(0) + "\",\"state\":\"SUCCEEDED\","
                + "\"result_url\":\"/v1/edits/" + jobIds.get(0) + "/result\",\"result_type\":\"image/png\","
                + "\"metadata\":{\"sku\":\"S-0\"}}"),
                JSON.readTree(lines[0]));
        assertEquals(JSON.readTree("{\"code\":\"object_not_found\",\"reason\":\"no dog was found in the image\"}"),
                JSON.readTree(lines[1]).get("failure"));
        assertEquals("CANCELED", JSON.readTree(lines[2]).get("state").asText());
    }

    @Test
    void aNotifierThatDiedAfterTheLastCountAnnouncesTheBatchWhenTheEventComesAgain() {
        List<String> jobIds = batch("b2", 2, "https://hooks.example/batch");
        ends(jobIds.get(0), "SUCCEEDED");
        parts.redis.hset("brushline:job:" + jobIds.get(1), "state", "SUCCEEDED");
        // the count reached zero, then the process died before the manifest and the webhook
        assertEquals(0, parts.batches.countTerminal("b2", 1));
        assertEquals(0, deliveries());

        assertTrue(completion.itemEnded(parts.jobs.get(jobIds.get(1))), "the redelivered event");

        assertEquals(1, deliveries());
        assertNotNull(stored.get("batches/b2/manifest.jsonl"));
    }

    @Test
    void aBatchWhoseManifestCouldNotBeWrittenIsCompletedByTheSweepOnceStorageIsBack() {
        List<String> jobIds = batch("b5", 2, "https://hooks.example/batch");
        ends(jobIds.get(0), "SUCCEEDED");
        storageDown = true;
        // the last event fails past every retry and replay: nothing will bring it again
        assertThrows(StorageException.class, () -> ends(jobIds.get(1), "SUCCEEDED"));
        assertEquals(0, deliveries());
        Instant later = Instant.now().plusSeconds(120);

        sweep.completeUnfinished(later);
        assertEquals(0, deliveries(), "storage is still down: nothing is announced");
        assertEquals(List.of("b5"), parts.batches.unfinished().since(later), "the next sweep tries again");
        storageDown = false;
        assertEquals(List.of(), parts.batches.unfinished().since(Instant.now().minusSeconds(60)),
                "a batch is swept only after the grace: whoever counts the last item completes it within it");
        sweep.completeUnfinished(later);

        assertEquals(1, deliveries(), "batch webhooks scheduled");
        assertEquals(2, new String(stored.get("batches/b5/manifest.jsonl"), StandardCharsets.UTF_8).split("\n").length);
        assertNotNull(parts.batches.get("b5").get("completedAt"));
        assertEquals(List.of(), parts.batches.unfinished().since(later), "a completed batch is no longer unfinished");
        sweep.completeUnfinished(later);
        assertEquals(1, deliveries());
    }

    @Test
    void aBatchCompletedAtOnceIsNeverUnfinishedAndAnExpiredOneIsForgotten() {
        List<String> completed = batch("b6", 1, null);
        assertTrue(ends(completed.get(0), "SUCCEEDED"));
        List<String> expired = batch("b7", 1, null);
        parts.redis.hset("brushline:job:" + expired.get(0), "state", "SUCCEEDED");
        assertEquals(0, parts.batches.countTerminal("b7", 0));
        parts.redis.del("brushline:batch:b7");
        Instant later = Instant.now().plusSeconds(120);
        assertEquals(List.of("b7"), parts.batches.unfinished().since(later));

        sweep.completeUnfinished(later);

        assertEquals(List.of(), parts.batches.unfinished().since(later));
        assertNull(stored.get("batches/b7/manifest.jsonl"));
    }

    @Test
    void manyItemsEndingAtOnceWithRedeliveriesMakeOneWebhook() throws Exception {
        int n = 200;
        List<String> jobIds = batch("b3", n, "https://hooks.example/batch");
        for (String jobId : jobIds) {
            parts.redis.hset("brushline:job:" + jobId, "state", "SUCCEEDED");
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        AtomicInteger sawComplete = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        // every event twice, in an interleaved order: at-least-once delivery
        for (int round = 0; round < 2; round++) {
            for (String jobId : jobIds) {
                done.add(threads.submit(() -> {
                    if (completion.itemEnded(parts.jobs.get(jobId))) {
                        sawComplete.incrementAndGet();
                    }
                }));
            }
        }
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertEquals("0", parts.batches.get("b3").get("remaining"));
        assertEquals(n, parts.redis.scard("brushline:batch:b3:counted"));
        assertEquals(1, deliveries(), "batch webhooks scheduled");
        assertTrue(sawComplete.get() >= 1);
        assertEquals(n, new String(stored.get("batches/b3/manifest.jsonl"), StandardCharsets.UTF_8).split("\n").length);
    }

    @Test
    void aJobOutsideABatchOrOfAnUnknownBatchCountsNothing() {
        batch("b4", 1, null);
        assertFalse(completion.itemEnded(Map.of("state", "SUCCEEDED")));
        assertFalse(completion.itemEnded(Map.of("state", "SUCCEEDED", "batchId", "gone", "batchIndex", "0")));
        assertFalse(completion.itemEnded(Map.of("state", "SUCCEEDED", "batchId", "b4", "batchIndex", "7")),
                "an index the batch does not have");
        assertEquals("1", parts.batches.get("b4").get("remaining"));

        // without a webhook_url the batch completes and writes its manifest, and nothing is sent
        assertTrue(completion.itemEnded(Map.of("state", "SUCCEEDED", "batchId", "b4", "batchIndex", "0")));
        assertEquals(0, deliveries());
        assertNotNull(stored.get("batches/b4/manifest.jsonl"));
    }

    /**
     * Through the notifier's own consumer path: terminal events of a batch's jobs, one of them
     * delivered twice, end the jobs, send item webhooks only to jobs that have a URL, and make one
     * batch webhook after the last.
     */
    @Test
    void theNotifierCountsItemsFromTheirTerminalEventsAndARedeliveryChangesNothing() throws Exception {
        String batchId = "b6";
        List<String> jobIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String jobId = BatchStore.itemJobId(batchId, i);
            jobIds.add(jobId);
            // item 0 asked for its own webhook, the others did not
            parts.jobs.create(job(jobId, i == 0 ? "https://hooks.example/items" : null),
                    Map.of("batchId", batchId, "batchIndex", String.valueOf(i)));
        }
        assertEquals(BatchStore.Created.CREATED, parts.batches.create(new BatchStore.NewBatch(batchId, "acme", jobIds,
                Map.of("webhookUrl", "https://hooks.example/batch"), Map.of()), 10));
        var stage = new NotifierStage(parts.queue, parts.jobs, JSON, new io.brushline.common.stage.IncomingRecords(
                JSON, parts.jobs, SentRecords.refusing("a record was parked")),
                new io.brushline.common.stage.Retrying(parts.common),
                new JobTracing(OpenTelemetry.noop().getTracer("t")), completion,
                SentRecords.refusing("a job outside any dataset went to dataset-removed"));

        stage.completed(record("edit-completed", jobIds.get(0), job(jobIds.get(0), null)));
        stage.failed(record("edit-failed", jobIds.get(1), job(jobIds.get(1), null).withFailure(
                new io.brushline.common.messages.Failure("grounding", "object_not_found", "no dog was found"))));
        stage.failed(record("edit-failed", jobIds.get(1), job(jobIds.get(1), null).withFailure(
                new io.brushline.common.messages.Failure("grounding", "object_not_found", "no dog was found"))));
        assertEquals("1", parts.batches.get(batchId).get("remaining"), "the redelivered event was counted");
        assertEquals(1, deliveries(), "only item 0's own webhook");
        JsonNode itemEvent = JSON.readTree(parts.queue.load(jobIds.get(0)).orElseThrow().body());
        assertEquals(batchId, itemEvent.at("/data/batch_id").asText(), itemEvent.toString());
        assertEquals(0, itemEvent.at("/data/batch_index").asInt(-1), itemEvent.toString());

        stage.completed(record("edit-completed", jobIds.get(2), job(jobIds.get(2), null)));
        stage.completed(record("edit-completed", jobIds.get(2), job(jobIds.get(2), null)));

        assertEquals("0", parts.batches.get(batchId).get("remaining"));
        assertEquals(2, deliveries(), "item 0's webhook and one batch webhook");
        JsonNode event = JSON.readTree(parts.queue.load("batch_" + batchId).orElseThrow().body());
        assertEquals(JSON.readTree("{\"FAILED\":1,\"SUCCEEDED\":2}"), event.at("/data/counts"));
        assertEquals("FAILED", parts.jobs.get(jobIds.get(1)).get("state"));
        assertEquals("object_not_found", parts.jobs.get(jobIds.get(1)).get("failureCode"));
    }

    private static io.brushline.common.messages.EditJob job(String jobId, String webhookUrl) {
        return new io.brushline.common.messages.EditJob(io.brushline.common.messages.EditJob.SCHEMA_VERSION, jobId,
                "acme", 1, null, "2026-01-01T00:00:00Z", "sepia",
                new io.brushline.common.messages.ImageRef("jobs/" + jobId + "/source", "image/jpeg", 64, 48), null,
                webhookUrl, null, null, null, null, null, null);
    }

    private static org.apache.kafka.clients.consumer.ConsumerRecord<String, String> record(String topic, String key,
            io.brushline.common.messages.EditJob job) throws Exception {
        return new org.apache.kafka.clients.consumer.ConsumerRecord<>(topic, 0, 0, key, JSON.writeValueAsString(job));
    }

    @Test
    void theBatchWebhookIsSignedAndSentAsJobWebhooksAre() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            List<String> jobIds = batch("b5", 1, receiver.url());
            ends(jobIds.get(0), "SUCCEEDED");
            receiver.dispatchUntil(parts, () -> "delivered".equals(parts.batches.get("b5").get("webhook")));

            assertEquals("delivered", parts.batches.get("b5").get("webhook"));
            assertEquals(1, receiver.received().size(), "batch webhooks received");
            var call = receiver.received().get(0);
            assertEquals("msg_batch_b5", call.get("id"));
            assertEquals(new WebhookSigner(NotifierParts.SECRET).sign("msg_batch_b5",
                    Long.parseLong(call.get("timestamp")), call.get("body")), call.get("signature"));
            assertEquals("batch.completed", JSON.readTree(call.get("body")).get("type").asText());
            assertEquals(0, deliveries());
        }
    }
}
