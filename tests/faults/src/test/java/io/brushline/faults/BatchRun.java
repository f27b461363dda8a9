package io.brushline.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.brushline.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One batch of cheap items (JSON manifest, each item an {@code image_url} served by a local HTTP
 * server) submitted while a fault runs; then waits until the batch has completed and its webhook is
 * settled, and checks that every item ran once to SUCCEEDED, that the counts, the batch webhook and
 * the result manifest in object storage all account for every item exactly once.
 */
final class BatchRun {

    /** A GLOBAL CPU edit: no detection, no mask model, no painter; the orchestration is what is tested. */
    static final String INSTRUCTION = "make it black and white";
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration COMPLETE_TIMEOUT = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FaultStack system;
    private final String scenario;
    private int items = 1000;
    private long faultAfterMillis = 5000;

    BatchRun(FaultStack system, String scenario) {
        this.system = system;
        this.scenario = scenario;
    }

    BatchRun items(int value) {
        this.items = value;
        return this;
    }

    /** When the fault starts, counted from the batch's first submission attempt. */
    BatchRun faultAfter(Duration value) {
        this.faultAfterMillis = value.toMillis();
        return this;
    }

    /** Submits the batch, injects the fault while its items run, and checks the outcome. */
    void runAndCheck(FaultRun.Fault fault) throws Exception {
        ExecutorService imageThreads = Executors.newFixedThreadPool(4);
        HttpServer images = system.serveImages(imageThreads);
        ExecutorService faultThread = Executors.newSingleThreadExecutor();
        try {
            String base = "http://127.0.0.1:" + images.getAddress().getPort() + "/images/";
            ObjectNode manifest = JSON.createObjectNode().put("instruction", INSTRUCTION)
                    .put("webhook_url", system.webhooks.url("/ok/batch/"));
            ArrayNode list = manifest.putArray("items");
            for (int i = 0; i < items; i++) {
                ObjectNode item = list.addObject().put("image_url", base + i + ".jpg");
                item.putObject("metadata").put("n", i);
            }
            long start = System.currentTimeMillis();
            long[] faultWindow = new long[2];
            Future<String> injected = faultThread.submit(() -> {
                FaultRun.sleepUntil(start + faultAfterMillis);
                faultWindow[0] = System.currentTimeMillis();
                try {
                    return fault.inject();
                } finally {
                    faultWindow[1] = System.currentTimeMillis();
                }
            });
            EditClient.Accepted accepted = system.client.submitBatch(JSON.writeValueAsString(manifest),
                    scenario + "-" + UUID.randomUUID());
            String batchId = accepted.body().path("id").asText();
            assertEquals(items, accepted.body().path("total").asInt(), accepted.body().toString());
            String account = injected.get(5, TimeUnit.MINUTES);
            JsonNode batch = system.awaitBatchSettled(batchId, STALL_TIMEOUT, COMPLETE_TIMEOUT);
            check(batchId, batch, accepted, account, faultWindow);
        } finally {
            // A fault is let finish even when the run failed: it restarts what it stopped, for the next test.
            faultThread.shutdown();
            if (!faultThread.awaitTermination(3, TimeUnit.MINUTES)) {
                faultThread.shutdownNow();
            }
            images.stop(0);
            imageThreads.shutdownNow();
        }
    }

    private void check(String batchId, JsonNode batch, EditClient.Accepted accepted, String account,
            long[] faultWindow) throws Exception {
        long completedAt = Instant.parse(batch.path("completed_at").asText()).toEpochMilli();
        // Still running when the last service was back: every kill and every restart hit the running batch.
        assertTrue(completedAt > faultWindow[1], scenario + ": the batch completed " + (faultWindow[1] - completedAt)
                + " ms before the fault ended; the fault did not hit the whole batch");

        // Counts and the items as the API shows them.
        assertEquals("completed", batch.path("state").asText(), batch.toString());
        assertEquals(items, batch.path("total").asInt());
        assertEquals(0, batch.path("remaining").asInt());
        assertEquals(Map.of("SUCCEEDED", items), counts(batch.path("counts")), "counts of batch " + batchId);
        JsonNode page = system.client.get("/v1/batches/" + batchId + "?page_size=" + items);
        assertTrue(page.path("next_page_token").isMissingNode(), "one page holds every item");
        List<String> jobIds = new ArrayList<>();
        for (JsonNode item : page.path("items")) {
            assertEquals(jobIds.size(), item.path("index").asInt(), item.toString());
            assertEquals("SUCCEEDED", item.path("state").asText(), item.toString());
            assertEquals(jobIds.size(), item.path("metadata").path("n").asInt(), item.toString());
            jobIds.add(item.path("job_id").asText());
        }
        assertEquals(items, jobIds.size(), "items listed");
        assertEquals(items, new HashSet<>(jobIds).size(), "distinct job ids");

        // The result manifest, read from the bucket itself: one line per item, in order, none twice.
        Path object = system.stack.dataDir().resolve("s3").resolve(LocalStack.BUCKET)
                .resolve("batches").resolve(batchId).resolve("manifest.jsonl");
        List<String> lines = Files.readAllLines(object);
        assertEquals(items, lines.size(), "manifest lines in " + object);
        Set<Integer> indexes = new HashSet<>();
        for (String line : lines) {
            JsonNode row = JSON.readTree(line);
            int index = row.path("index").asInt(-1);
            assertTrue(index >= 0 && index < items && indexes.add(index), "index unique and in range: " + line);
            assertEquals(jobIds.get(index), row.path("job_id").asText(), line);
            assertEquals("SUCCEEDED", row.path("state").asText(), line);
            assertTrue(row.hasNonNull("result_url"), line);
            assertEquals(index, row.path("metadata").path("n").asInt(), line);
        }

        // What the pipeline published per item: a completion (redelivered ones name the same result), no failure.
        var outcomes = CompletionAudit.read(system.stack.kafkaBootstrap());
        int duplicates = 0;
        for (String jobId : jobIds) {
            assertTrue(outcomes.completed(jobId) >= 1, "item job " + jobId + " has no edit-completed record");
            assertEquals(1, outcomes.results(jobId).size(), "results of " + jobId + ": " + outcomes.results(jobId));
            assertEquals(0, outcomes.failed(jobId), "edit-failed records of item job " + jobId);
            duplicates += outcomes.completed(jobId) - 1;
        }

        // One batch webhook, signed, whose counts match; none per item (item_webhooks was not asked for).
        var attempts = system.webhooks.attempts();
        var batchHooks = attempts.stream().filter(a -> ("msg_batch_" + batchId).equals(a.webhookId())).toList();
        assertEquals(1, batchHooks.size(), "batch webhook attempts: " + batchHooks);
        var hook = batchHooks.get(0);
        assertTrue(hook.signatureValid() && hook.accepted(), hook.toString());
        JsonNode event = JSON.readTree(hook.body());
        assertEquals("batch.completed", event.path("type").asText(), hook.body());
        assertEquals(batchId, event.path("data").path("id").asText(), hook.body());
        assertEquals("completed", event.path("data").path("state").asText(), hook.body());
        assertEquals(items, event.path("data").path("total").asInt(), hook.body());
        assertEquals(Map.of("SUCCEEDED", items), counts(event.path("data").path("counts")), hook.body());
        Set<String> itemHookIds = new HashSet<>();
        jobIds.forEach(id -> itemHookIds.add("msg_" + id));
        assertEquals(0, attempts.stream().filter(a -> itemHookIds.contains(a.webhookId())).count(),
                "item webhooks sent although item_webhooks was off");

        double seconds = (completedAt - accepted.firstAttemptMillis()) / 1000.0;
        RunReport.printFigures(String.format("%s | fault: %s | batch of %d items, succeeded %d | submission (POST "
                        + "until every item queued) %.1f s, %d attempt(s) | time to complete %.1f s, %.1f items/s | "
                        + "fault from %.1f s to %.1f s | batch webhook %.1f s after completion, %d attempt(s) | "
                        + "duplicate edit-completed records %d | manifest lines %d",
                scenario, account, items, counts(batch.path("counts")).getOrDefault("SUCCEEDED", 0),
                (accepted.acceptedMillis() - accepted.firstAttemptMillis()) / 1000.0, accepted.attempts(), seconds,
                items / seconds, (faultWindow[0] - accepted.firstAttemptMillis()) / 1000.0,
                (faultWindow[1] - accepted.firstAttemptMillis()) / 1000.0,
                (hook.receivedMillis() - completedAt) / 1000.0, batchHooks.size(), duplicates, lines.size()));
    }

    private static Map<String, Integer> counts(JsonNode counts) {
        Map<String, Integer> byState = new TreeMap<>();
        counts.fields().forEachRemaining(e -> {
            if (e.getValue().asInt() != 0) {
                byState.put(e.getKey(), e.getValue().asInt());
            }
        });
        return byState;
    }
}
