package io.brushline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.BrushlineConfig;
import io.brushline.common.messages.EditJob;
import io.brushline.common.state.BatchStore;
import io.brushline.common.state.JobState;
import io.brushline.common.state.JobStore;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectStore;
import io.brushline.common.testing.InMemoryChannel;
import io.brushline.common.testing.RedisServerExtension;
import io.lettuce.core.api.sync.RedisCommands;
import io.smallrye.reactive.messaging.MutinyEmitter;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Batches through the real single-edit path, against a real redis-server: what a client sees for a
 * bad manifest, idempotent resubmission, items that fail alone, paging and cancel. Object storage is
 * in memory and the Kafka emitters record what they are given.
 */
class BatchServiceTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestFixture fixture;
    private RedisCommands<String, String> redis;
    private String base;
    private final Recorder requested = new Recorder();
    private final Recorder failed = new Recorder();
    private final Limits limits = new Limits();
    private JobStore jobs;
    private BatchStore batchStore;
    private EditService edits;
    private BatchService batches;
    private FailureOutbox failures;
    private byte[] photo;
    private MemoryStore storage;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new ManifestFixture(REDIS);
        redis = fixture.redis;
        base = fixture.base;
        photo = fixture.photo;
        jobs = fixture.jobs;
        storage = fixture.storage;
        batchStore = new BatchStore(redis, fixture.common);
        buildServices();
    }

    /** The services under test, from the fixture's settings as they are now. */
    private void buildServices() {
        failures = new FailureOutbox(redis, jobs, JSON, failed.emitter(), new QueueBreaker(fixture.gateway));
        edits = new EditService(fixture.inspector, storage, jobs, fixture.gateway, requested.emitter(), failures,
                fixture.policy);
        batches = new BatchService(edits, batchStore, jobs, fixture.manifestImages, fixture.gateway, limits);
    }

    @AfterEach
    void tearDown() {
        fixture.stop();
    }

    private BatchService.Request manifest(String body, String key) {
        return BatchService.parseManifest("acme", body, key, JSON);
    }

    private String url(String path) {
        return base + path;
    }

    // ---- what a refused manifest says ----

    @Test
    void aManifestWithBadItemsIsRefusedNamingEachItemAndNothingIsSubmitted() throws Exception {
        String body = """
                {"items": [
                  {"image_url": "%1$s/photo?a=1", "instruction": "remove the dog"},
                  {"image_url": "%1$s/photo?a=2"},
                  {"image_url": "ht tp://broken url", "instruction": "sepia"},
                  {"image_url": "%1$s/photo?a=1", "instruction": "remove the dog"},
                  {"image_id": "no-such-job", "instruction": "sepia"},
                  {"image_url": "%1$s/photo?a=3", "instruction": "sepia", "metadata": [1, 2]},
                  {"image_url": "%1$s/photo?a=4", "instruction": "sepia", "box": "1,2,three"}
                ]}""".formatted(base);

        var refused = assertThrows(ManifestImages.InvalidItems.class, () -> batches.submit(manifest(body, null)));

        assertEquals(422, refused.status().getStatusCode());
        assertEquals(List.of(1, 2, 3, 4, 5, 6), refused.errors().stream().map(ManifestImages.ItemError::index).toList());
        assertEquals(List.of("invalid_instruction", "invalid_image_url", "duplicate_item", "unknown_image_id",
                "invalid_metadata", "invalid_hint"), refused.errors().stream().map(ManifestImages.ItemError::code).toList());
        assertTrue(refused.getMessage().startsWith("6 items of the batch are invalid; nothing was submitted: "
                + "item 1: the instruction is missing"), refused.getMessage());
        assertTrue(refused.errors().get(2).message().contains("repeats item 0"), refused.errors().get(2).message());
        assertTrue(refused.errors().get(3).message().contains("'no-such-job'"), refused.errors().get(3).message());
        for (var error : refused.errors()) {
            assertFalse(error.message().matches("(?s).*(Exception|java\\.|io\\.brushline).*"), error.message());
        }
        assertEquals(0, requested.sent.size() + failed.sent.size(), "jobs were queued");
        assertEquals(List.of(), redis.keys("brushline:batch:*"), "a batch was recorded");
        assertEquals(List.of(), redis.keys("brushline:job:*"), "jobs were recorded");
    }

    @Test
    void anImageIdOfAnotherTenantIsAsUnknownAsNone() {
        String own = edits.submit(new EditService.Submission("acme", "sepia", photo, null, null, null, null, null))
                .jobId();
        String theirs = edits.submit(new EditService.Submission("other", "sepia", photo, null, null, null, null, null))
                .jobId();

        var refused = assertThrows(ManifestImages.InvalidItems.class, () -> batches.submit(manifest("""
                {"instruction": "make it black and white", "items": [{"image_id": "%s"}, {"image_id": "%s"}]}"""
                .formatted(own, theirs), null)));

        assertEquals(List.of(1), refused.errors().stream().map(ManifestImages.ItemError::index).toList());
        assertEquals("unknown_image_id", refused.errors().get(0).code());
    }

    @Test
    void moreItemsThanTheLimitAre413WithTheLimitInWords() {
        limits.maxItems = 3;
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            items.append(i == 0 ? "" : ",").append("{\"image_url\": \"").append(url("/photo?n=" + i)).append("\"}");
        }

        var refused = assertThrows(ApiException.class, () -> batches.submit(manifest(
                "{\"instruction\": \"sepia\", \"items\": [" + items + "]}", null)));

        assertEquals(413, refused.status().getStatusCode());
        assertEquals("too_many_items", refused.code());
        assertEquals("the batch has 4 items; the limit is 3 (brushline.batch.max-items); split it into several batches",
                refused.getMessage());
    }

    @Test
    void aBodyThatIsNotJsonIs400InWords() {
        var refused = assertThrows(ApiException.class, () -> manifest("{\"items\": [ {\"image_url\": }", null));

        assertEquals(400, refused.status().getStatusCode());
        assertTrue(refused.getMessage().startsWith("the body is not valid JSON (line 1, column "),
                refused.getMessage());
        assertFalse(refused.getMessage().contains("Exception"), refused.getMessage());
        var empty = assertThrows(ApiException.class, () -> manifest("{\"items\": []}", null));
        assertTrue(empty.getMessage().startsWith("the manifest has no items"), empty.getMessage());
    }

    @Test
    void anUploadedFileThatIsNoImageIsRefusedWithItsIndexAndName() {
        var items = List.of(
                new BatchService.Item(null, null, photo, "a.jpg", "sepia", null, null, null),
                new BatchService.Item(null, null, "hello".getBytes(StandardCharsets.UTF_8), "notes.txt", "sepia",
                        null, null, null));

        var refused = assertThrows(ManifestImages.InvalidItems.class, () -> batches.submit(
                new BatchService.Request("acme", items, null, false, null, "f")));

        assertEquals(1, refused.errors().size());
        assertEquals(1, refused.errors().get(0).index());
        assertEquals("invalid_image", refused.errors().get(0).code());
        assertTrue(refused.getMessage().contains("item 1: the image 'notes.txt' is not an image"), refused.getMessage());
    }

    @Test
    void aTenantWithTooManyRunningBatchesIsToldSo() {
        limits.maxInFlight = 1;
        batches.submit(manifest("{\"items\": [{\"image_url\": \"" + url("/photo") + "\", \"instruction\": \"sepia\"}]}",
                null));

        var refused = assertThrows(ApiException.class, () -> batches.submit(manifest(
                "{\"items\": [{\"image_url\": \"" + url("/photo") + "\", \"instruction\": \"sepia\"}]}", null)));

        assertEquals(429, refused.status().getStatusCode());
        assertEquals("too_many_batches", refused.code());
        assertTrue(refused.getMessage().startsWith("you already have 1 batches running"), refused.getMessage());
    }

    // ---- idempotency ----

    @Test
    void theSameKeyAnswersTheSameBatchAndCreatesNoJobTwice() {
        String body = """
                {"instruction": "sepia", "items": [
                  {"image_url": "%1$s/photo?a=1"}, {"image_url": "%1$s/photo?a=2", "instruction": "remove the cup"}
                ]}""".formatted(base);

        var first = batches.submit(manifest(body, "order-17"));
        var again = batches.submit(manifest(body, "order-17"));

        assertTrue(first.created());
        assertFalse(again.created());
        assertEquals(first.batchId(), again.batchId());
        assertEquals(List.of(BatchStore.itemJobId(first.batchId(), 0), BatchStore.itemJobId(first.batchId(), 1)),
                requested.sent.stream().map(EditJob::jobId).sorted(jobOrder(first.batchId())).toList());
        assertEquals(first.batchId(), jobs.get(BatchStore.itemJobId(first.batchId(), 1)).get("batchId"));
        assertEquals("1", jobs.get(BatchStore.itemJobId(first.batchId(), 1)).get("batchIndex"));
        assertEquals("remove the cup", jobs.get(BatchStore.itemJobId(first.batchId(), 1)).get("instruction"));

        var other = assertThrows(ApiException.class, () -> batches.submit(manifest(body.replace("sepia", "blur it"),
                "order-17")));
        assertEquals(422, other.status().getStatusCode());
        assertEquals("idempotency_key_reused", other.code());
        assertEquals(2, requested.sent.size());
    }

    @Test
    void aSubmissionCutShortByTheQueueIsFinishedByItsRetryWithoutDuplicates() {
        limits.submitConcurrency = 1;
        String body = """
                {"instruction": "sepia", "items": [
                  {"image_url": "%1$s/photo?a=0"}, {"image_url": "%1$s/photo?a=1"}, {"image_url": "%1$s/photo?a=2"}
                ]}""".formatted(base);
        String batchId = batchIdOf("cut-short");
        requested.refuse = job -> job.jobId().equals(BatchStore.itemJobId(batchId, 1));

        var unavailable = assertThrows(ApiException.class, () -> batches.submit(manifest(body, "cut-short")));
        assertEquals(503, unavailable.status().getStatusCode());
        assertTrue(unavailable.getMessage().contains("retry with the same Idempotency-Key"), unavailable.getMessage());
        assertEquals("QUEUED", jobs.get(BatchStore.itemJobId(batchId, 1)).get("state"),
                "the unqueued item is left to be queued, not failed");
        assertEquals(0, redis.zcard("brushline:batches-in-flight:acme"), "a batch cut short holds its slot");

        requested.refuse = job -> false;
        var retried = batches.submit(manifest(body, "cut-short"));

        assertEquals(batchId, retried.batchId());
        assertEquals(List.of(BatchStore.itemJobId(batchId, 0), BatchStore.itemJobId(batchId, 1),
                BatchStore.itemJobId(batchId, 2)), requested.sent.stream().map(EditJob::jobId).toList(),
                "each item queued exactly once");
        assertEquals("1", batchStore.get(batchId).get("submitted"));
    }

    @Test
    void storageDownHalfWayIsA503NamingTheBatchInWords() {
        storage.down = true;

        var unavailable = assertThrows(ApiException.class, () -> batches.submit(manifest(
                "{\"items\": [{\"image_url\": \"" + url("/photo") + "\", \"instruction\": \"sepia\"}]}", "k")));

        assertEquals(503, unavailable.status().getStatusCode());
        assertTrue(unavailable.getMessage().matches("batch \\S+ was not fully submitted: storage or the job store is "
                + "unreachable right now; retry with the same Idempotency-Key to submit the rest"),
                unavailable.getMessage());
        storage.down = false;
        var retried = batches.submit(manifest(
                "{\"items\": [{\"image_url\": \"" + url("/photo") + "\", \"instruction\": \"sepia\"}]}", "k"));
        assertTrue(unavailable.getMessage().startsWith("batch " + retried.batchId() + " "));
        assertEquals(1, requested.sent.size());
    }

    @Test
    void aBatchWithoutAKeyCutShortFailsTheItemsItDidNotSubmitAndNamesThem() {
        limits.submitConcurrency = 1;
        requested.refuse = job -> !requested.sent.isEmpty();
        String body = """
                {"instruction": "sepia", "items": [
                  {"image_url": "%1$s/photo?a=0"}, {"image_url": "%1$s/photo?a=1"}, {"image_url": "%1$s/photo?a=2"}
                ]}""".formatted(base);

        var partly = assertThrows(CutShort.class, () -> batches.submit(manifest(body, null)));

        String b = partly.id();
        assertEquals(503, partly.status().getStatusCode());
        assertEquals(List.of(1, 2), partly.indexes());
        assertEquals("batch " + b + " was cut short: 2 of 3 items were not submitted (the job queue is unreachable "
                + "right now): items 1, 2. They are recorded FAILED "
                + "(not_submitted) and the batch completes without them; the other items run. Submit those items "
                + "again, and send an Idempotency-Key so that a retry finishes a batch cut short instead",
                partly.getMessage());
        var answer = new ApiExceptionMapper().map(partly);
        assertEquals(List.of(1, 2), ((Map<?, ?>) answer.getEntity()).get("not_submitted"));
        assertEquals(b, ((Map<?, ?>) answer.getEntity()).get("batch_id"));
        Map<String, Object> view = batches.view(b, batchStore.get(b), 0, 10, JSON);
        assertEquals(Map.of("QUEUED", 1L, "FAILED", 2L), view.get("counts"), "nothing is left NOT_SUBMITTED");
        Map<?, ?> failure = (Map<?, ?>) ((Map<?, ?>) ((List<?>) view.get("items")).get(2)).get("failure");
        assertEquals("not_submitted", failure.get("code"));
        assertTrue(failure.get("reason").toString().startsWith("the batch's submission was cut short before this "
                + "item was queued"), failure.toString());
        assertEquals(Set.of(BatchStore.itemJobId(b, 1), BatchStore.itemJobId(b, 2)),
                Set.copyOf(failed.sent.stream().map(EditJob::jobId).toList()),
                "the items not submitted go to edit-failed, so that the batch is counted to its end");
        assertEquals(0, redis.zcard("brushline:batches-in-flight:acme"));
    }

    @Test
    void itemsNotSubmittedAreRecordedFailedEvenWhenTheirFailureCannotBeSent() {
        limits.submitConcurrency = 1;
        requested.refuse = job -> true;
        failed.refuse = job -> true;

        var partly = assertThrows(CutShort.class, () -> batches.submit(manifest(
                "{\"instruction\": \"sepia\", \"items\": [{\"image_url\": \"" + url("/photo") + "\"}]}", null)));

        String job = BatchStore.itemJobId(partly.id(), 0);
        assertEquals(List.of(0), partly.indexes());
        assertEquals("FAILED", jobs.get(job).get("state"));
        assertEquals("not_submitted", jobs.get(job).get("failureCode"));
        assertEquals(List.of(), failed.sent, "the queue took nothing");

        assertEquals(0, failures.resendHeld(), "the queue is still down");
        failed.refuse = any -> false;
        assertEquals(1, failures.resendHeld());

        assertEquals(List.of(job), failed.sent.stream().map(EditJob::jobId).toList(),
                "once the queue is back the held failure reaches edit-failed, so the batch is counted to its end");
        assertEquals("not_submitted", failed.sent.get(0).failure().code());
        assertTrue(jobs.isEnqueued(job));
        assertEquals(0, failures.resendHeld(), "a failure is sent again only until the queue takes it");
        assertEquals(1, failed.sent.size());
    }

    @Test
    void onceTheQueueRefusesAFailureTheOthersAreHeldWithoutWaitingForIt() {
        fixture.gateway.resendFailuresEvery = Duration.ofMinutes(1);
        buildServices();
        limits.submitConcurrency = 1;
        requested.refuse = job -> true;
        failed.refuse = job -> true;
        String body = """
                {"instruction": "sepia", "items": [
                  {"image_url": "%1$s/photo?a=0"}, {"image_url": "%1$s/photo?a=1"}, {"image_url": "%1$s/photo?a=2"}
                ]}""".formatted(base);

        var partly = assertThrows(CutShort.class, () -> batches.submit(manifest(body, null)));

        assertEquals(List.of(0, 1, 2), partly.indexes());
        assertEquals(1, failed.attempts.get(), "the queue was tried once, not once per item (10 s each when down)");
        assertEquals(3, redis.hlen(FailureOutbox.HELD));
        failed.refuse = job -> false;
        assertEquals(0, failures.resendHeld(), "until the breaker's delay has passed nothing is tried");
        assertEquals(1, failed.attempts.get());
    }

    @Test
    void aHeldFailureWhoseJobHasExpiredIsForgotten() {
        limits.submitConcurrency = 1;
        requested.refuse = job -> true;
        failed.refuse = job -> true;
        var partly = assertThrows(CutShort.class, () -> batches.submit(manifest(
                "{\"instruction\": \"sepia\", \"items\": [{\"image_url\": \"" + url("/photo") + "\"}]}", null)));
        redis.del("brushline:job:" + BatchStore.itemJobId(partly.id(), 0));
        failed.refuse = any -> false;

        assertEquals(0, failures.resendHeld());

        assertEquals(List.of(), failed.sent);
        assertEquals(0, redis.hlen(FailureOutbox.HELD));
    }

    @Test
    void aHeldFailureWhoseJobAnotherInstanceQueuedMeanwhileIsForgotten() {
        limits.submitConcurrency = 1;
        requested.refuse = job -> true;
        failed.refuse = job -> true;
        var partly = assertThrows(CutShort.class, () -> batches.submit(manifest(
                "{\"instruction\": \"sepia\", \"items\": [{\"image_url\": \"" + url("/photo") + "\"}]}", null)));
        jobs.markEnqueued(BatchStore.itemJobId(partly.id(), 0));
        failed.refuse = any -> false;

        assertEquals(0, failures.resendHeld());

        assertEquals(List.of(), failed.sent, "sent once already, by the other instance");
        assertEquals(0, redis.hlen(FailureOutbox.HELD));
    }

    /** The batch id the next keyed submission will get: claims the key first, as a crashed call would have. */
    private String batchIdOf(String key) {
        String id = "batch-" + key;
        batchStore.claimIdempotencyKey("acme", key, id, Duration.ofHours(1));
        return id;
    }

    // ---- items that fail alone, once accepted ----

    @Test
    void anItemWhoseImageCannotBeFetchedOrReadFailsAloneWithItsReason() {
        var accepted = batches.submit(manifest("""
                {"instruction": "sepia", "items": [
                  {"image_url": "%1$s/gone"}, {"image_url": "%1$s/notes.txt"}, {"image_url": "%1$s/photo"},
                  {"image_url": "%1$s/photo?big", "box": "0,0,5000,5000"}
                ]}""".formatted(base), null));

        String b = accepted.batchId();
        assertEquals(4, accepted.total());
        Map<String, Object> view = batches.view(b, batchStore.get(b), 0, 10, JSON);
        List<?> items = (List<?>) view.get("items");
        assertEquals(Map.of("code", "invalid_image_url", "reason", "could not fetch image_url: the server answered HTTP 404"),
                ((Map<?, ?>) items.get(0)).get("failure"));
        assertEquals("invalid_image", ((Map<?, ?>) ((Map<?, ?>) items.get(1)).get("failure")).get("code"));
        assertEquals("QUEUED", ((Map<?, ?>) items.get(2)).get("state"));
        assertEquals("invalid_hint", ((Map<?, ?>) ((Map<?, ?>) items.get(3)).get("failure")).get("code"));
        assertEquals(Set.of(BatchStore.itemJobId(b, 0), BatchStore.itemJobId(b, 1), BatchStore.itemJobId(b, 3)),
                Set.copyOf(failed.sent.stream().map(EditJob::jobId).toList()),
                "failed items go to edit-failed, to be counted and announced like any failed job");
        assertEquals(List.of(BatchStore.itemJobId(b, 2)), requested.sent.stream().map(EditJob::jobId).toList());
        assertEquals(Map.of("FAILED", 3L, "QUEUED", 1L), view.get("counts"));
        assertEquals("running", view.get("state"));
        // what GET /v1/edits/{id} shows for such a job
        Map<String, Object> job = JobView.of(BatchStore.itemJobId(b, 0), jobs.get(BatchStore.itemJobId(b, 0)));
        assertEquals("FAILED", job.get("state"));
        assertEquals(0, job.get("width"));
        assertEquals(b, job.get("batch_id"));
        assertEquals(0, job.get("batch_index"));
    }

    @Test
    void itemWebhooksGoToTheItemsOnlyWhenAskedFor() {
        var quiet = batches.submit(manifest("""
                {"instruction": "sepia", "webhook_url": "%1$s/hooks", "items": [{"image_url": "%1$s/photo"}]}"""
                .formatted(base), null));
        var loud = batches.submit(manifest("""
                {"instruction": "sepia", "webhook_url": "%1$s/hooks", "item_webhooks": true,
                 "items": [{"image_url": "%1$s/photo"}]}""".formatted(base), null));

        assertNull(jobs.get(BatchStore.itemJobId(quiet.batchId(), 0)).get("webhookUrl"));
        assertEquals(url("/hooks"), jobs.get(BatchStore.itemJobId(loud.batchId(), 0)).get("webhookUrl"));
        assertEquals(url("/hooks"), batchStore.get(quiet.batchId()).get("webhookUrl"));
    }

    // ---- paging and cancel ----

    @Test
    void itemsComeInStablePagesWithTheirMetadata() {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            items.append(i == 0 ? "" : ",").append("{\"image_url\": \"").append(url("/photo?n=" + i))
                    .append("\", \"metadata\": {\"sku\": \"A-").append(i).append("\"}}");
        }
        String b = batches.submit(manifest("{\"instruction\": \"sepia\", \"items\": [" + items + "]}", null))
                .batchId();

        List<Object> seen = new ArrayList<>();
        List<Object> skus = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            int offset = token == null ? 0 : BatchService.PageToken.offset(token);
            Map<String, Object> page = batches.view(b, batchStore.get(b), offset, 2, JSON);
            for (Object item : (List<?>) page.get("items")) {
                seen.add(((Map<?, ?>) item).get("index"));
                skus.add(((Map<?, ?>) item).get("metadata").toString());
                assertEquals("/v1/edits/" + ((Map<?, ?>) item).get("job_id"), ((Map<?, ?>) item).get("status_url"));
            }
            assertEquals(5, page.get("total"));
            token = (String) page.get("next_page_token");
            pages++;
        } while (token != null);

        assertEquals(3, pages);
        assertEquals(List.of(0, 1, 2, 3, 4), seen);
        assertEquals("{\"sku\":\"A-3\"}", skus.get(3));
        var bad = assertThrows(ApiException.class, () -> BatchService.PageToken.offset("not-a-token"));
        assertEquals("invalid_page_token", bad.code());
    }

    @Test
    void cancelEndsTheItemsThatHaveNotEndedAndLeavesTheOthers() {
        String b = batches.submit(manifest("""
                {"instruction": "sepia", "items": [
                  {"image_url": "%1$s/photo?a=0"}, {"image_url": "%1$s/photo?a=1"}, {"image_url": "%1$s/photo?a=2"}
                ]}""".formatted(base), null)).batchId();
        jobs.advance(BatchStore.itemJobId(b, 0), JobState.SUCCEEDED, Map.of("resultKey", "jobs/x/result.png"));
        jobs.advance(BatchStore.itemJobId(b, 1), JobState.PAINTING);

        assertTrue(batches.cancel(b));

        Map<String, Object> view = batches.view(b, batchStore.get(b), 0, 10, JSON);
        assertEquals("cancelled", view.get("state"));
        assertEquals(Map.of("SUCCEEDED", 1L, "CANCELED", 2L), view.get("counts"));
        assertEquals("/v1/edits/" + BatchStore.itemJobId(b, 0) + "/result",
                ((Map<?, ?>) ((List<?>) view.get("items")).get(0)).get("result_url"));
        assertFalse(batches.cancel("no-such-batch"));
        assertNotEquals(Map.of(), batchStore.get(b));
    }

    // ---- Redis Cluster: what a script may touch ----

    @Test
    void everyScriptOfABatchsLifeTouchesOnlyTheKeysItIsPassed() throws Exception {
        List<String> monitored = Collections.synchronizedList(new ArrayList<>());
        int port = Integer.parseInt(redis.configGet("port").get("port"));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            var lines = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("+OK", lines.readLine());
            Thread reader = new Thread(() -> lines.lines().forEach(monitored::add));
            reader.setDaemon(true);
            reader.start();

            // a batch from creation to completion: create, submit, view (counts), cancel, count, complete
            String b = batches.submit(manifest("""
                    {"instruction": "sepia", "items": [{"image_url": "%1$s/photo?a=0"}, {"image_url": "%1$s/gone"}]}"""
                    .formatted(base), "keys-check")).batchId();
            assertEquals(Map.of("QUEUED", 1L, "FAILED", 1L), batches.view(b, batchStore.get(b), 0, 10, JSON)
                    .get("counts"));
            batches.cancel(b);
            batchStore.countTerminal(b, 0);
            batchStore.countTerminal(b, 1);
            batchStore.markCompleted(b, "acme", "batches/" + b + "/manifest.jsonl");
            redis.echo("end of the batch");
            long deadline = System.currentTimeMillis() + 5000;
            while (monitored.stream().noneMatch(l -> l.contains("\"end of the batch\""))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        }

        // each command a script runs ("[0 lua]") names as its key one of the KEYS of the EVAL it runs in
        java.util.regex.Pattern quoted = java.util.regex.Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
        List<String> declared = List.of();
        int scripts = 0;
        int scriptCommands = 0;
        for (String line : monitored) {
            List<String> args = new ArrayList<>();
            var m = quoted.matcher(line);
            while (m.find()) {
                args.add(m.group(1));
            }
            if (args.isEmpty()) {
                continue;
            }
            if (args.get(0).equalsIgnoreCase("EVAL")) {
                int count = Integer.parseInt(args.get(2));
                declared = args.subList(3, 3 + count);
                scripts++;
            } else if (line.contains(" lua] ")) {
                scriptCommands++;
                assertTrue(args.size() > 1 && declared.contains(args.get(1)), "a script ran " + args
                        + " on a key it was not passed; its KEYS were " + declared);
            }
        }
        assertTrue(scripts > 5 && scriptCommands > 10, scripts + " scripts, " + scriptCommands + " commands seen");
    }

    @Test
    void aBatchWhoseItemsHaveAllEndedStaysCompletedWhenCanceled() {
        String b = batches.submit(manifest("{\"items\": [{\"image_url\": \"" + url("/photo")
                + "\", \"instruction\": \"sepia\"}]}", null)).batchId();
        jobs.advance(BatchStore.itemJobId(b, 0), JobState.SUCCEEDED);
        assertEquals(0, batchStore.countTerminal(b, 0), "the notifier's count of the ended item");

        assertTrue(batches.cancel(b));

        assertEquals("completed", batches.view(b, batchStore.get(b), 0, 10, JSON).get("state"));
        assertNull(batchStore.get(b).get("cancelRequested"));
    }

    private static java.util.Comparator<String> jobOrder(String batchId) {
        return java.util.Comparator.comparing(id -> id.equals(BatchStore.itemJobId(batchId, 0)) ? 0 : 1);
    }

    // ---- fakes ----

    /** The shared settings at their defaults, without booting Quarkus. */
    static BrushlineConfig commonConfig() {
        ClassLoader loader = BrushlineConfig.class.getClassLoader();
        Object redisSettings = Proxy.newProxyInstance(loader, new Class<?>[] {BrushlineConfig.Redis.class},
                (proxy, method, args) -> method.getName().equals("jobTtl") ? Duration.ofDays(7)
                        : "redis://localhost:6379");
        Object storageSettings = Proxy.newProxyInstance(loader, new Class<?>[] {BrushlineConfig.Storage.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "endpoint" -> "http://localhost:9000";
                    case "region" -> "us-east-1";
                    case "presignTtl" -> Duration.ofHours(1);
                    default -> "brushline";
                });
        return (BrushlineConfig) Proxy.newProxyInstance(loader, new Class<?>[] {BrushlineConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "redis" -> redisSettings;
                    case "storage" -> storageSettings;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The batch limits, changeable per test. */
    static final class Limits implements BatchConfig {
        int maxItems = 1000;
        int maxInFlight = 10;
        int maxDatasetsInFlight = 2;
        int submitConcurrency = 4;

        public int maxItems() {
            return maxItems;
        }

        public int maxInFlightPerTenant() {
            return maxInFlight;
        }

        public int maxDatasetsInFlightPerTenant() {
            return maxDatasetsInFlight;
        }

        public int submitConcurrency() {
            return submitConcurrency;
        }

        public int defaultPageSize() {
            return 100;
        }

        public int maxPageSize() {
            return 1000;
        }
    }

    /** An emitter that keeps what it is sent, or refuses what {@link #refuse} says (the broker down). */
    static final class Recorder {
        final List<EditJob> sent = Collections.synchronizedList(new ArrayList<>());
        volatile Predicate<EditJob> refuse = job -> false;
        final AtomicInteger attempts = new AtomicInteger();

        MutinyEmitter<EditJob> emitter() {
            return InMemoryChannel.of(message -> {
                EditJob job = message.getPayload();
                attempts.incrementAndGet();
                if (refuse.test(job)) {
                    throw new IllegalStateException("broker unreachable");
                }
                sent.add(job);
            });
        }
    }

    /** Object storage in memory. */
    static final class MemoryStore extends ObjectStore {
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();
        volatile boolean down;

        MemoryStore(BrushlineConfig config) {
            super(config);
        }

        @Override
        public void put(String key, byte[] bytes, String contentType) {
            if (down) {
                throw new io.brushline.common.storage.StorageException("put " + key, new java.io.IOException("refused"));
            }
            objects.put(key, bytes.clone());
        }

        @Override
        public byte[] get(String key) {
            byte[] bytes = objects.get(key);
            if (bytes == null) {
                throw new MissingObjectException(key, null);
            }
            return bytes.clone();
        }

        @Override
        public long size(String key) {
            return get(key).length;
        }

        @Override
        public List<String> list(String prefix) {
            return objects.keySet().stream().filter(key -> key.startsWith(prefix)).sorted().toList();
        }

        @Override
        public String presignedGet(String key) {
            return "https://storage.test/" + key;
        }
    }
}
