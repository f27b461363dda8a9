package io.brushline.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.brushline.localstack.LocalStack;
import io.brushline.localstack.TopicReader;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Jobs that fail, and the faults that meet them exactly there: every job of this stack fails at its
 * last stage (removal is switched off on the painter), so the broker and Redis outages hit the path
 * that records a failure, sends {@code edit-failed} and schedules the webhook. Every failed job must
 * still end with exactly one webhook that says FAILED, and a receiver that fetches the job on it must
 * see FAILED. Then the submission guarantees around the same failures: parallel requests with one
 * Idempotency-Key make one job, a repeated key never reopens a finished job, an unreadable message
 * fails its job with a webhook, and what is kept in Redis expires. The single-job checks run first,
 * on the idle stack (which they also warm up), the two runs of 300 jobs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailurePathFaultTest {

    private static final String NO_PAINTER = "no_painter_configured";
    private static final int FAILING_JOBS = 300;
    private static final long DOWN_MILLIS = 3000;
    /** As in {@link InfrastructureFaultTest}: an answer that arrives while Redis is down is sent again. */
    private static final long NOTIFIER_CONCURRENCY = 16;
    private static final Duration JOB_TTL = Duration.ofHours(1);
    private static final Duration SETTLE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Closed by JUnit once every test of the class has run. */
    @AutoClose
    private FaultStack system;
    private StatefulRedisConnection<String, String> redisConnection;
    @AutoClose("shutdown")
    private RedisClient redisClient;

    @BeforeAll
    void start() throws Exception {
        system = FaultStack.start("failure-path", Map.of(
                "BRUSHLINE_INPAINTING_PAINTER_REMOVE", "none",
                "BRUSHLINE_REDIS_JOB_TTL", JOB_TTL.toString(),
                // Failures held while the broker was down are sent again this often (15 s by default).
                "BRUSHLINE_GATEWAY_RESEND_FAILURES_EVERY", "2s"));
        redisClient = RedisClient.create(system.stack.redisUri());
    }


    @Test
    @Order(5)
    void brokerRestartWhileJobsFail() throws Exception {
        new FaultRun(system, "Kafka broker restart while jobs fail").jobs(FAILING_JOBS).faultAt(0.3).baselineJobs(0)
                .run(() -> system.outage("kafka", DOWN_MILLIS)).print()
                .assertFaultHitTheRun()
                .assertEveryJobFailed(NO_PAINTER)
                .assertEveryWebhookAcceptedOnce("FAILED", 0);
    }

    @Test
    @Order(6)
    void redisRestartWhileJobsFail() throws Exception {
        new FaultRun(system, "Redis restart while jobs fail").jobs(FAILING_JOBS).faultAt(0.3).baselineJobs(0)
                .run(() -> system.outage("redis", DOWN_MILLIS)).print()
                .assertFaultHitTheRun()
                .assertEveryJobFailed(NO_PAINTER)
                .assertEveryWebhookAcceptedOnce("FAILED", NOTIFIER_CONCURRENCY);
    }

    @Test
    @Order(1)
    void parallelRequestsWithOneIdempotencyKeyMakeOneJob() throws Exception {
        int parallel = 12;
        String key = "parallel-" + System.nanoTime();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService requests = Executors.newFixedThreadPool(parallel);
        List<Future<EditClient.Submitted>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < parallel; i++) {
                replies.add(requests.submit(() -> {
                    go.await();
                    return system.client.submit(system.image(0), FaultStack.INSTRUCTION, FaultStack.BOX,
                            system.webhooks.url("/ok/"), key);
                }));
            }
            go.countDown();
            Set<String> ids = new java.util.HashSet<>();
            for (var reply : replies) {
                ids.add(reply.get().jobId());
            }
            assertEquals(1, ids.size(), "one job for one key: " + ids);
            String id = ids.iterator().next();
            assertEquals(1, recordsOf("edit-requested", id), "the job was queued once");
        } finally {
            requests.shutdownNow();
        }
    }

    @Test
    @Order(2)
    void aRepeatedKeyNeverReopensAFinishedJob() throws Exception {
        String key = "finished-" + System.nanoTime();
        String id = system.client.submit(system.image(1), FaultStack.INSTRUCTION, FaultStack.BOX,
                system.webhooks.url("/ok/"), key).jobId();
        JsonNode ended = system.awaitWebhookSettled(id, SETTLE);
        assertEquals("FAILED", ended.path("state").asText());
        // As if the gateway had died after queueing the job but before recording that it did.
        redis().hdel("brushline:job:" + id, "enqueued");

        String again = system.client.submit(system.image(1), FaultStack.INSTRUCTION, FaultStack.BOX,
                system.webhooks.url("/ok/"), key).jobId();
        assertEquals(id, again);
        JsonNode after = system.client.status(id);
        assertEquals("FAILED", after.path("state").asText(), "a finished job stays as it ended: " + after);
        assertEquals(ended.path("transitions"), after.path("transitions"));
        assertEquals(1, recordsOf("edit-requested", id), "the finished job was not queued again");
    }

    /**
     * A message of a job that cannot be read is parked, and the job ends FAILED with
     * {@code invalid_message}, with its webhook like any other failure. The job waits a few seconds
     * before that, so its expiry shows whether it runs from the last change or from the submission.
     */
    @Test
    @Order(3)
    void anUnreadableMessageFailsItsJobWithAWebhook() throws Exception {
        system.process("classifier").stop();
        String id;
        long submitted;
        try {
            id = system.client.submit(system.image(2), FaultStack.INSTRUCTION, FaultStack.BOX,
                    system.webhooks.url("/ok/"), "unreadable-" + System.nanoTime()).jobId();
            submitted = System.currentTimeMillis();
            Thread.sleep(3000);
            String unreadable = "{\"schemaVersion\":1,\"jobId\":\"" + id + "\",\"attempt\":\"not a number\"}";
            try (var producer = system.producer()) {
                producer.send(new ProducerRecord<>("edit-classified", id, unreadable)).get();
            }
            JsonNode ended = system.awaitWebhookSettled(id, SETTLE);
            assertEquals("FAILED", ended.path("state").asText(), ended.toString());
            assertEquals("invalid_message", ended.path("failure").path("code").asText(), ended.toString());
            assertEquals("delivered", ended.path("webhook").asText(), ended.toString());
        } finally {
            system.stack.restart("classifier");
        }
        var attempts = system.webhooks.attempts().stream()
                .filter(a -> id.equals(RunReport.data(a.body()).path("id").asText())).toList();
        assertEquals(1, attempts.stream().filter(WebhookSink.Attempt::accepted).count(), attempts.toString());
        JsonNode event = RunReport.data(attempts.get(0).body());
        assertEquals("FAILED", event.path("state").asText());
        assertEquals("invalid_message", event.path("failure").path("code").asText());

        long sinceSubmission = System.currentTimeMillis() - submitted;
        long left = redis().pttl("brushline:job:" + id);
        assertTrue(left > JOB_TTL.toMillis() - sinceSubmission + 2000, "the job expires " + left + " ms from now; "
                + "it was submitted " + sinceSubmission + " ms ago and changed at least 3 s later");
    }

    /** Delivery records and the markers of gone URLs expire; none is kept for ever. */
    @Test
    @Order(4)
    void deliveryRecordsAndGoneMarkersExpire() throws Exception {
        String id = system.client.submit(system.image(3), FaultStack.INSTRUCTION, FaultStack.BOX,
                system.webhooks.url("/gone/"), "gone-" + System.nanoTime()).jobId();
        JsonNode ended = system.awaitWebhookSettled(id, SETTLE);
        assertEquals("gone", ended.path("webhook").asText(), ended.toString());
        assertTrue(redis().pttl("brushline:webhook:" + id) > 0, "the delivery record of " + id + " expires");
        List<String> markers = redis().keys("brushline:webhook-gone:*");
        assertTrue(!markers.isEmpty(), "a gone URL is remembered");
        for (String marker : markers) {
            assertTrue(redis().pttl(marker) > 0, marker + " expires");
        }
    }

    /**
     * A batch without an Idempotency-Key submitted while the broker is down is cut short: the answer is
     * a 503 naming the items not submitted, which are recorded FAILED but whose failures cannot be sent
     * yet. The gateway holds them and sends them once the broker is back, so the batch still completes
     * with its manifest and one batch webhook instead of waiting until it expires.
     */
    @Test
    @Order(7)
    void aBatchCutShortWhileTheBrokerIsDownCompletesOnceItIsBack() throws Exception {
        HttpServer images = system.serveImages(Runnable::run);
        String batchId;
        try {
            String base = "http://127.0.0.1:" + images.getAddress().getPort() + "/images/";
            String manifest = """
                    {"instruction": "make it black and white", "webhook_url": "%s",
                     "items": [{"image_url": "%s0.jpg"}, {"image_url": "%s1.jpg"}]}"""
                    .formatted(system.webhooks.url("/ok/cut-short/"), base, base);
            system.process("kafka").stop();
            HttpResponse<String> answer;
            try {
                answer = system.client.submitBatchOnce(manifest);
            } finally {
                system.stack.restart("kafka");
            }
            assertEquals(503, answer.statusCode(), answer.body());
            JsonNode refused = JSON.readTree(answer.body());
            assertEquals("queue_unavailable", refused.path("error").asText(), answer.body());
            assertEquals("[0,1]", refused.path("not_submitted").toString(), answer.body());
            batchId = refused.path("batch_id").asText();
        } finally {
            images.stop(0);
        }

        JsonNode batch = system.awaitBatchSettled(batchId, SETTLE, SETTLE);

        assertEquals("completed", batch.path("state").asText(), batch.toString());
        assertEquals(2, batch.path("counts").path("FAILED").asInt(), batch.toString());
        assertEquals("delivered", batch.path("webhook").asText(), batch.toString());
        var hooks = system.webhooks.attempts().stream().filter(a -> ("msg_batch_" + batchId).equals(a.webhookId()))
                .toList();
        assertEquals(1, hooks.size(), hooks.toString());
        JsonNode event = JSON.readTree(hooks.get(0).body());
        assertEquals("batch.completed", event.path("type").asText(), hooks.get(0).body());
        assertEquals(2, event.path("data").path("counts").path("FAILED").asInt(), hooks.get(0).body());
        Path manifestObject = system.stack.dataDir().resolve("s3").resolve(LocalStack.BUCKET).resolve("batches")
                .resolve(batchId).resolve("manifest.jsonl");
        for (String line : Files.readAllLines(manifestObject)) {
            assertEquals("not_submitted", JSON.readTree(line).path("failure").path("code").asText(), line);
        }
        assertEquals(2, Files.readAllLines(manifestObject).size(), "manifest lines");
    }

    private io.lettuce.core.api.sync.RedisCommands<String, String> redis() {
        if (redisConnection == null || !redisConnection.isOpen()) {
            redisConnection = redisClient.connect();
        }
        return redisConnection.sync();
    }

    private long recordsOf(String topic, String jobId) {
        return TopicReader.readToEnd(system.stack.kafkaBootstrap(), List.of(topic)).stream()
                .filter(r -> jobId.equals(r.key())).count();
    }
}
