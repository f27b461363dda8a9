package io.brushline.client;

import static io.brushline.client.TestServer.error;
import static io.brushline.client.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch calls of the client against a real local HTTP server with scripted answers. */
class BatchClientTest {

    static final String BATCH = "9a0c5e1d-6b8e-4a57-8a1c-4f3f6e2b0c11";
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    private BrushlineClient client(TestServer server) {
        return BrushlineClient.builder(server.url()).sleeper(waits::add).build();
    }

    /** The batch JSON in the shape the gateway's BatchService.view writes. */
    static String batch(String state, int remaining, String counts, String nextPageToken, String... items) {
        return "{\"id\":\"" + BATCH + "\",\"state\":\"" + state + "\",\"total\":3,\"remaining\":" + remaining
                + ",\"counts\":" + counts + ",\"created_at\":\"2026-12-01T10:00:00Z\""
                + (remaining == 0 ? ",\"completed_at\":\"2026-12-01T10:00:09Z\",\"manifest_url\":\"/v1/batches/"
                        + BATCH + "/manifest\"" : "")
                + ",\"items\":[" + String.join(",", items) + "],\"offset\":0,\"page_size\":2"
                + (nextPageToken == null ? "" : ",\"next_page_token\":\"" + nextPageToken + "\"")
                + ",\"a_field_of_a_newer_gateway\":1}";
    }

    static String item(int index, String state) {
        String id = "00000000-0000-0000-0000-00000000000" + index;
        String json = "{\"index\":" + index + ",\"job_id\":\"" + id + "\",\"state\":\"" + state + "\"";
        if (state.equals("SUCCEEDED")) {
            json += ",\"status_url\":\"/v1/edits/" + id + "\",\"result_url\":\"/v1/edits/" + id + "/result\"";
        }
        if (state.equals("FAILED")) {
            json += ",\"failure\":{\"code\":\"invalid_image_url\",\"reason\":\"the URL answered 404\"}";
        }
        return json + ",\"metadata\":{\"sku\":\"A-" + index + "\"}}";
    }

    @Test
    void aManifestOfJsonLinesIsSentAsTheGatewaysJsonWithAKeyForRetries(@TempDir Path dir) throws Exception {
        Path manifest = Files.writeString(dir.resolve("batch.jsonl"),
                "{\"image_url\": \"https://cdn.example.test/1.jpg\", \"metadata\": {\"sku\": \"A-1\"}}\n\n"
                        + "{\"image_id\": \"3222557b\", \"instruction\": \"sepia\", \"box\": [1, 2, 30, 40]}\n");
        try (TestServer server = new TestServer().then(
                error(503, "queue_unavailable", "batch " + BATCH + " was not fully submitted: the job queue is "
                        + "unreachable; retry with the same Idempotency-Key to submit the rest"),
                json(202, "{\"id\":\"" + BATCH + "\",\"status_url\":\"/v1/batches/" + BATCH
                        + "\",\"total\":2,\"created\":true}"))) {
            BatchSubmitted submitted = client(server).submitBatch(BatchRequest.builder().manifest(manifest)
                    .instruction("make the background white").webhookUrl("https://example.test/hooks")
                    .itemWebhooks(true).build());

            assertEquals(new BatchSubmitted(BATCH, "/v1/batches/" + BATCH, 2, true), submitted);
            List<TestServer.Received> requests = server.received();
            assertEquals(2, requests.size(), "the 503 was retried");
            assertEquals("/v1/batches", requests.get(0).path());
            assertEquals("application/json", requests.get(0).header("Content-Type"));
            String key = requests.get(0).header("Idempotency-Key");
            assertNotNull(key, "a key is made when none is given");
            assertEquals(key, requests.get(1).header("Idempotency-Key"), "the retry finishes the same batch");
            JsonNode body = new ObjectMapper().readTree(requests.get(0).bodyText());
            assertEquals("make the background white", body.path("instruction").asText());
            assertEquals("https://example.test/hooks", body.path("webhook_url").asText());
            assertTrue(body.path("item_webhooks").asBoolean());
            assertEquals(2, body.path("items").size());
            assertEquals("A-1", body.path("items").path(0).path("metadata").path("sku").asText());
            assertEquals("[1,2,30,40]", body.path("items").path(1).path("box").toString(), "kept as given");
        }
    }

    @Test
    void itemsBuiltInCodeAndAKeyOfTheCallersOwn() throws Exception {
        try (TestServer server = new TestServer().then(json(200, "{\"id\":\"" + BATCH + "\",\"status_url\":\"/v1/"
                + "batches/" + BATCH + "\",\"total\":1,\"created\":false}"))) {
            BatchSubmitted submitted = client(server).submitBatch(BatchRequest.builder()
                    .item(BatchRequest.Item.imageUrl("https://cdn.example.test/1.jpg", "remove the tag")
                            .withBox(1, 2, 30, 40).withMetadata(Map.of("sku", "A-1")))
                    .idempotencyKey("catalogue-2026-12").build());
            assertFalse(submitted.created());
            TestServer.Received request = server.received().get(0);
            assertEquals("catalogue-2026-12", request.header("Idempotency-Key"));
            assertEquals("{\"items\":[{\"image_url\":\"https://cdn.example.test/1.jpg\",\"instruction\":\"remove "
                    + "the tag\",\"box\":\"1,2,30,40\",\"metadata\":{\"sku\":\"A-1\"}}]}", request.bodyText());
        }
    }

    @Test
    void aBrokenManifestLineIsNamedInWords(@TempDir Path dir) throws Exception {
        Path manifest = Files.writeString(dir.resolve("batch.jsonl"), "{\"image_url\": \"https://x.test/1.jpg\"}\n"
                + "[\"not\", \"an item\"]\n");
        var notObject = assertThrows(IllegalArgumentException.class,
                () -> BatchRequest.builder().manifest(manifest));
        assertEquals("line 2 of " + manifest + " is not a JSON object; each line is one item, such as "
                + "{\"image_url\": \"https://...\", \"instruction\": \"sepia\"}", notObject.getMessage());
        var notJson = assertThrows(IllegalArgumentException.class,
                () -> BatchRequest.builder().manifest("{\"image_url\": ", "items"));
        assertTrue(notJson.getMessage().startsWith("line 1 of items is not valid JSON"), notJson.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> BatchRequest.builder().manifest(dir.resolve("none.jsonl")));
        assertEquals("the manifest file " + dir.resolve("none.jsonl") + " does not exist", missing.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> BatchRequest.builder().manifest("\n\n", "x"));
        assertEquals("x has no items; write one JSON object a line", empty.getMessage());
        for (Exception e : List.of(notObject, notJson, missing, empty)) {
            BrushlineClientTest.assertWords(e.getMessage());
        }
    }

    @Test
    void refusedItemsAndTooManyItemsCarryTheGatewaysMessage() throws Exception {
        try (TestServer server = new TestServer().then(
                error(422, "invalid_items", "an item of the batch is invalid; nothing was submitted: item 1: the "
                        + "instruction is missing"),
                error(413, "too_many_items", "the batch has 1001 items; the limit is 1000"))) {
            BatchRequest request = BatchRequest.builder()
                    .item(BatchRequest.Item.imageUrl("https://cdn.example.test/1.jpg", "sepia")).build();
            var invalid = assertThrows(BrushlineException.class, () -> client(server).submitBatch(request));
            assertEquals(422, invalid.status());
            assertEquals("invalid_items", invalid.code());
            assertEquals("an item of the batch is invalid; nothing was submitted: item 1: the instruction is missing",
                    invalid.getMessage());
            var tooMany = assertThrows(BrushlineException.TooLarge.class, () -> client(server).submitBatch(request));
            assertEquals("the batch has 1001 items; the limit is 1000", tooMany.getMessage());
        }
    }

    @Test
    void watchingPollsUntilEveryItemHasEndedThenReadsEveryPage() throws Exception {
        String running = batch("running", 2, "{\"SUCCEEDED\":1,\"PAINTING\":2}", "x", item(0, "SUCCEEDED"));
        String stillRunning = running;
        String ending = batch("running", 1, "{\"SUCCEEDED\":2,\"QUEUED\":1}", "x", item(0, "SUCCEEDED"));
        String done = batch("completed", 0, "{\"SUCCEEDED\":2,\"FAILED\":1}", "bzoy", item(0, "SUCCEEDED"),
                item(1, "FAILED"));
        String lastPage = batch("completed", 0, "{\"SUCCEEDED\":2,\"FAILED\":1}", null, item(2, "SUCCEEDED"))
                .replace("\"offset\":0", "\"offset\":2");
        try (TestServer server = new TestServer().then(json(200, running), json(200, stillRunning), json(200, ending),
                json(200, done), json(200, done), json(200, lastPage))) {
            List<String> seen = new ArrayList<>();
            Batch finished = client(server).watchBatch(BATCH, b -> seen.add(b.state() + " " + b.counts()));

            assertEquals(3, seen.size(), "each change once: " + seen);
            assertEquals(3, waits.size());
            assertEquals("completed", finished.state());
            assertTrue(finished.isFinished());
            assertEquals(List.of(0, 1, 2), finished.items().stream().map(Batch.Item::index).toList());
            Batch.Item failed = finished.items().get(1);
            assertEquals("invalid_image_url", failed.failure().code());
            assertEquals("the URL answered 404", failed.failure().reason());
            assertEquals("A-1", failed.metadata().path("sku").asText());
            assertEquals("/v1/batches/" + BATCH + "/manifest", finished.manifestUrl());
            List<String> paths = server.received().stream().map(TestServer.Received::path).toList();
            assertEquals("/v1/batches/" + BATCH + "?page_size=1", paths.get(0));
            assertEquals("/v1/batches/" + BATCH, paths.get(4));
            assertEquals("/v1/batches/" + BATCH + "?page_token=bzoy", paths.get(5));
        }
    }

    @Test
    void cancelDeletesTheBatchAndAnUnknownBatchIsNotFound() throws Exception {
        try (TestServer server = new TestServer().then(
                json(200, batch("cancelled", 2, "{\"SUCCEEDED\":1,\"CANCELED\":2}", null, item(0, "SUCCEEDED"))),
                error(404, "not_found", "no batch with id " + BATCH))) {
            Batch cancelled = client(server).cancelBatch(BATCH);
            assertEquals("cancelled", cancelled.state());
            assertEquals(2L, cancelled.counts().get("CANCELED"));
            assertEquals("DELETE", server.received().get(0).method());
            var e = assertThrows(BrushlineException.NotFound.class, () -> client(server).batch(BATCH));
            assertEquals("no batch with id " + BATCH, e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> BrushlineClient.builder("http://127.0.0.1:1").build().batch("../edits"));
        assertEquals("\"../edits\" is not a batch id", e.getMessage());
    }
}
