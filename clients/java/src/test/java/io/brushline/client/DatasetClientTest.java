package io.brushline.client;

import static io.brushline.client.TestServer.bytes;
import static io.brushline.client.TestServer.error;
import static io.brushline.client.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset calls of the client against a real local HTTP server with scripted answers. */
class DatasetClientTest {

    static final String DATASET = "5d1f0c2a-7e4b-4c1d-9a3e-2b8f6c0d4e17";
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    private BrushlineClient client(TestServer server) {
        return BrushlineClient.builder(server.url()).sleeper(waits::add).build();
    }

    static String submitted(int images) {
        return "{\"id\":\"" + DATASET + "\",\"images\":" + images + ",\"status_url\":\"/v1/datasets/" + DATASET
                + "\",\"created\":true}";
    }

    /** The dataset JSON in the shape GET /v1/datasets/{id} has. */
    static String dataset(String state, int surveyed, int kept, int remaining) {
        return "{\"id\":\"" + DATASET + "\",\"state\":\"" + state + "\",\"images\":3,\"images_surveyed\":" + surveyed
                + ",\"objects_found\":7,\"pairs_queued\":4,\"pairs_kept\":" + kept + ",\"pairs_dropped\":1,"
                + "\"dropped\":{\"area_too_small\":2,\"still_detected\":1,\"image_failed\":1},"
                + "\"failed_images\":[{\"index\":2,\"error\":\"invalid_image_url\",\"message\":\"the URL answered 404\"}],"
                + "\"remaining\":" + remaining + ",\"created_at\":\"2026-12-01T10:00:00Z\",\"completed_at\":"
                + (state.equals("completed") ? "\"2026-12-01T10:02:00Z\"" : "null") + ",\"elapsed_seconds\":120,"
                + "\"pairs_per_minute\":1.5,\"eta_seconds\":" + (state.equals("completed") ? "0" : "null")
                + ",\"filters\":{\"classes\":[\"dog\"],\"min_area\":0.02},\"output\":{\"prefix\":\"datasets/" + DATASET
                + "/\",\"metadata_url\":\"/v1/datasets/" + DATASET + "/files/metadata.jsonl\",\"card_url\":"
                + "\"/v1/datasets/" + DATASET + "/files/README.md\"},\"a_field_of_a_newer_gateway\":1}";
    }

    @Test
    void localFilesAreUploadedAsImagePartsWithTheFiltersAndTheWebhook(@TempDir Path dir) throws Exception {
        Path first = Files.write(dir.resolve("dog.jpg"), new byte[] {1, 2, 3});
        Path second = Files.write(dir.resolve("cat.png"), new byte[] {4, 5});
        try (TestServer server = new TestServer().then(
                error(503, "queue_unavailable", "dataset " + DATASET + " was not fully submitted"),
                json(202, submitted(2)))) {
            DatasetSubmitted answer = client(server).submitDataset(DatasetRequest.builder().image(first).image(second)
                    .filters(Map.of("classes", List.of("dog", "cat"))).webhookUrl("https://example.test/hooks").build());

            assertEquals(new DatasetSubmitted(DATASET, 2, "/v1/datasets/" + DATASET, true), answer);
            List<TestServer.Received> requests = server.received();
            assertEquals(2, requests.size(), "the 503 was retried");
            TestServer.Received request = requests.get(0);
            assertEquals("POST /v1/datasets", request.method() + " " + request.path());
            assertTrue(request.header("Content-Type").startsWith("multipart/form-data; boundary="));
            String key = request.header("Idempotency-Key");
            assertNotNull(key, "a key is made when none is given");
            assertEquals(key, requests.get(1).header("Idempotency-Key"), "the retry finishes the same dataset");
            String body = new String(request.body(), StandardCharsets.ISO_8859_1);
            int dog = body.indexOf("name=\"image\"; filename=\"dog.jpg\"");
            int cat = body.indexOf("name=\"image\"; filename=\"cat.png\"");
            assertTrue(dog >= 0 && cat > dog, "one image part per file, in order: " + body);
            assertTrue(body.contains("\u0001\u0002\u0003\r\n"), "the first file's bytes");
            assertTrue(body.contains("name=\"webhook_url\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
                    + "https://example.test/hooks\r\n"), body);
            assertTrue(body.contains("\r\n\r\n{\"classes\":[\"dog\",\"cat\"]}\r\n"), "the filters as JSON text: " + body);
        }
    }

    @Test
    void imageUrlsAreSentAsTheJsonManifest() throws Exception {
        try (TestServer server = new TestServer().then(json(202, submitted(2)))) {
            client(server).submitDataset(DatasetRequest.builder().imageUrl("https://cdn.example.test/1.jpg")
                    .imageId("3222557b").filtersJson("{\"min_area\": 0.05, \"single_instance\": true}")
                    .idempotencyKey("mine").build());

            TestServer.Received request = server.received().get(0);
            assertEquals("application/json", request.header("Content-Type"));
            assertEquals("mine", request.header("Idempotency-Key"));
            assertEquals(new ObjectMapper().readTree("{\"items\":[{\"image_url\":\"https://cdn.example.test/1.jpg\"},"
                    + "{\"image_id\":\"3222557b\"}],\"filters\":{\"min_area\":0.05,\"single_instance\":true}}"),
                    new ObjectMapper().readTree(request.bodyText()));
        }
    }

    @Test
    void aRequestTheGatewayCannotTakeIsRefusedInWordsBeforeSending() {
        var both = DatasetRequest.builder().image("a.jpg", new byte[] {1}).imageUrl("https://cdn.example.test/1.jpg");
        assertEquals("a dataset is made of uploaded files or of image URLs, not both; submit the files and the URLs"
                + " as two datasets", assertThrows(IllegalArgumentException.class, both::build).getMessage());
        assertEquals("a dataset needs at least one image, or the prefix they are under",
                assertThrows(IllegalArgumentException.class, () -> DatasetRequest.builder().build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DatasetRequest.builder().filtersJson("{classes: dog")).getMessage().startsWith(
                        "the filters are not valid JSON"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DatasetRequest.builder().filtersJson("[\"dog\"]")).getMessage().startsWith(
                        "the filters must be a JSON object"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DatasetRequest.builder().imageUrl("ftp://x/1.jpg")).getMessage().contains("http://"));
    }

    @Test
    void aPrefixIsSentInsteadOfItems() throws Exception {
        try (TestServer server = new TestServer().then(json(202, submitted(12)))) {
            client(server).submitDataset(DatasetRequest.builder().prefix("photos/rooms/")
                    .filters(Map.of("classes", List.of("chair"))).webhookUrl("https://example.test/hooks").build());

            TestServer.Received request = server.received().get(0);
            assertEquals("application/json", request.header("Content-Type"));
            assertEquals(new ObjectMapper().readTree("{\"prefix\":\"photos/rooms/\",\"filters\":{\"classes\":[\"chair\"]},"
                    + "\"webhook_url\":\"https://example.test/hooks\"}"), new ObjectMapper().readTree(request.bodyText()));
        }
    }

    @Test
    void suppliedObjectsGoWithTheirItemAsLabelBoxAndMaskUrl() throws Exception {
        try (TestServer server = new TestServer().then(json(202, submitted(3)))) {
            client(server).submitDataset(DatasetRequest.builder()
                    .imageUrl("https://cdn.example.test/room1.jpg", SuppliedObject.box("dog", 412, 220, 898, 701),
                            SuppliedObject.mask("floor lamp", "https://cdn.example.test/room1-lamp.png"))
                    .imageId("3222557b", new SuppliedObject("cat", new SuppliedObject.Box(0, 0, 64, 48),
                            "https://cdn.example.test/cat.png"))
                    .imageUrl("https://cdn.example.test/room2.jpg").build());

            assertEquals(new ObjectMapper().readTree("{\"items\":["
                    + "{\"image_url\":\"https://cdn.example.test/room1.jpg\",\"objects\":["
                    + "{\"label\":\"dog\",\"box\":[412,220,898,701]},"
                    + "{\"label\":\"floor lamp\",\"mask_url\":\"https://cdn.example.test/room1-lamp.png\"}]},"
                    + "{\"image_id\":\"3222557b\",\"objects\":[{\"label\":\"cat\",\"box\":[0,0,64,48],"
                    + "\"mask_url\":\"https://cdn.example.test/cat.png\"}]},"
                    + "{\"image_url\":\"https://cdn.example.test/room2.jpg\"}]}"),
                    new ObjectMapper().readTree(server.received().get(0).bodyText()));
        }
    }

    @Test
    void aManifestsItemsGoAsTheyAreAndTheSettersReplaceItsOtherFields(@TempDir Path dir) throws Exception {
        Path manifest = Files.writeString(dir.resolve("rooms.json"), "{\"items\": [{\"image_url\": "
                + "\"https://cdn.example.test/1.jpg\", \"objects\": [{\"label\": \"vase\", \"mask_url\": "
                + "\"https://cdn.example.test/1-vase.png\"}]}, {\"image_id\": \"3222557b\"}],\n"
                + " \"filters\": {\"min_area\": 0.01}, \"webhook_url\": \"https://example.test/old\"}");
        try (TestServer server = new TestServer().then(json(202, submitted(3)))) {
            client(server).submitDataset(DatasetRequest.builder().manifest(manifest)
                    .manifest("[{\"image_url\": \"https://cdn.example.test/2.jpg\"}]", "more")
                    .webhookUrl("https://example.test/new").build());

            assertEquals(new ObjectMapper().readTree("{\"items\":[{\"image_url\":\"https://cdn.example.test/1.jpg\","
                    + "\"objects\":[{\"label\":\"vase\",\"mask_url\":\"https://cdn.example.test/1-vase.png\"}]},"
                    + "{\"image_id\":\"3222557b\"},{\"image_url\":\"https://cdn.example.test/2.jpg\"}],"
                    + "\"filters\":{\"min_area\":0.01},\"webhook_url\":\"https://example.test/new\"}"),
                    new ObjectMapper().readTree(server.received().get(0).bodyText()));
        }
    }

    @Test
    void aPrefixManifestOrSuppliedObjectTheGatewayCannotTakeIsRefusedInWords(@TempDir Path dir) {
        String prefixAndMore = "a dataset made of the images under a prefix takes no other images; give the prefix,"
                + " or the files or URLs, not both";
        assertEquals(prefixAndMore, assertThrows(IllegalArgumentException.class, () -> DatasetRequest.builder()
                .prefix("photos/").imageUrl("https://cdn.example.test/1.jpg").build()).getMessage());
        assertEquals(prefixAndMore, assertThrows(IllegalArgumentException.class, () -> DatasetRequest.builder()
                .image("a.jpg", new byte[] {1}).prefix("").build()).getMessage());

        assertEquals("the supplied object \"dog\" needs a box, a mask URL or both",
                assertThrows(IllegalArgumentException.class, () -> new SuppliedObject("dog", null, null)).getMessage());
        assertEquals("a supplied object needs a label that says what it is, such as \"dog\"",
                assertThrows(IllegalArgumentException.class, () -> SuppliedObject.box(" ", 0, 0, 5, 5)).getMessage());
        assertEquals("a box is x1,y1,x2,y2 with x1 < x2 and y1 < y2, not 10,0,5,5",
                assertThrows(IllegalArgumentException.class, () -> SuppliedObject.box("dog", 10, 0, 5, 5)).getMessage());
        assertEquals("a mask URL starts with http:// or https://, not \"masks/dog.png\"",
                assertThrows(IllegalArgumentException.class, () -> SuppliedObject.mask("dog", "masks/dog.png"))
                        .getMessage());

        String form = "; give {\"items\": [{\"image_url\": \"https://...\"}, ...]} or a list of such items";
        assertEquals("rooms.json is not valid JSON (line 2, column 3)" + form, assertThrows(
                IllegalArgumentException.class, () -> DatasetRequest.builder().manifest("{\"items\": [\n  }]",
                        "rooms.json")).getMessage());
        assertEquals("rooms.json is not valid JSON (line 1, column 51)" + form, assertThrows(
                IllegalArgumentException.class, () -> DatasetRequest.builder().manifest(
                        "[{\"image_url\": \"https://cdn.example.test/1.jpg\"}] {}", "rooms.json")).getMessage());
        for (String noItems : List.of("{\"filters\": {}}", "{\"items\": []}", "[]", "", "\"rooms\"")) {
            assertEquals("rooms.json has no items" + form, assertThrows(IllegalArgumentException.class,
                    () -> DatasetRequest.builder().manifest(noItems, "rooms.json")).getMessage(), noItems);
        }
        assertEquals("item 1 of rooms.json is not a JSON object such as {\"image_url\": \"https://...\"} or"
                + " {\"image_id\": \"...\"}", assertThrows(IllegalArgumentException.class, () -> DatasetRequest
                        .builder().manifest("[{\"image_id\": \"a\"}, \"https://cdn.example.test/1.jpg\"]", "rooms.json"))
                .getMessage());
        assertEquals("the manifest file " + dir.resolve("none.json") + " does not exist", assertThrows(
                IllegalArgumentException.class, () -> DatasetRequest.builder().manifest(dir.resolve("none.json")))
                .getMessage());
    }

    @Test
    void theStatusIsReadIntoATypedView() throws Exception {
        try (TestServer server = new TestServer().then(json(200, dataset("running", 2, 1, 3)))) {
            Dataset dataset = client(server).dataset(DATASET);

            assertEquals("/v1/datasets/" + DATASET, server.received().get(0).path());
            assertFalse(dataset.isCompleted());
            assertEquals(3, dataset.images());
            assertEquals(2, dataset.imagesSurveyed());
            assertEquals(7, dataset.objectsFound());
            assertEquals(4, dataset.pairsQueued());
            assertEquals(1, dataset.pairsKept());
            assertEquals(List.of("area_too_small", "still_detected", "image_failed"),
                    new ArrayList<>(dataset.dropped().keySet()), "in the gateway's order");
            assertEquals(List.of(new Dataset.FailedImage(2, "invalid_image_url", "the URL answered 404")),
                    dataset.failedImages());
            assertEquals(1.5, dataset.pairsPerMinute());
            assertEquals(null, dataset.etaSeconds());
            assertEquals(0.02, dataset.filters().path("min_area").asDouble());
            assertEquals("/v1/datasets/" + DATASET + "/files/README.md", dataset.output().cardUrl());
        }
    }

    @Test
    void anUnknownDatasetIsNotFoundWithTheServersWords() throws Exception {
        try (TestServer server = new TestServer().then(error(404, "dataset_not_found", "no dataset with id abc"))) {
            var missing = assertThrows(BrushlineException.NotFound.class, () -> client(server).dataset("abc"));
            assertEquals("no dataset with id abc", missing.getMessage());
            assertEquals("dataset_not_found", missing.code());
        }
        assertThrows(IllegalArgumentException.class, () -> BrushlineClient.builder("http://localhost:1").build()
                .dataset("../edits"));
    }

    @Test
    void watchingCallsBackOnEachChangeAndAnswersTheCompletedDataset() throws Exception {
        try (TestServer server = new TestServer().then(json(200, dataset("running", 1, 0, 5)),
                json(200, dataset("running", 1, 0, 5)), json(200, dataset("running", 3, 1, 2)),
                json(200, dataset("completed", 3, 2, 0)))) {
            List<String> seen = new ArrayList<>();
            Dataset done = client(server).watchDataset(DATASET, d -> seen.add(d.state() + " " + d.imagesSurveyed()
                    + " " + d.pairsKept()));

            assertTrue(done.isCompleted());
            assertEquals(List.of("running 1 0", "running 3 1", "completed 3 2"), seen);
            assertEquals(3, waits.size(), "a pause between reads");
        }
    }

    @Test
    void aCompletedDatasetIsDownloadedWithEveryFileItsMetadataNames(@TempDir Path dir) throws Exception {
        String metadata = "{\"source_file_name\":\"images/000000-00-source.png\",\"target_file_name\":"
                + "\"images/000000-00-target.jpg\",\"mask_file_name\":\"images/000000-00-mask.png\","
                + "\"instruction\":\"add a dog next to the sofa\",\"pair\":\"000000-00\"}\n";
        try (TestServer server = new TestServer().then(json(200, dataset("completed", 3, 1, 0)),
                bytes(200, metadata.getBytes(StandardCharsets.UTF_8)), bytes(200, "# card".getBytes(StandardCharsets.UTF_8)),
                bytes(200, new byte[] {1}), bytes(200, new byte[] {2}), bytes(200, new byte[] {3}))) {
            List<String> files = client(server).downloadDataset(DATASET, dir.resolve("out"));

            assertEquals(List.of("metadata.jsonl", "README.md", "images/000000-00-source.png",
                    "images/000000-00-target.jpg", "images/000000-00-mask.png"), files);
            String prefix = "/v1/datasets/" + DATASET + "/files/";
            assertEquals(List.of("/v1/datasets/" + DATASET, prefix + "metadata.jsonl", prefix + "README.md",
                    prefix + "images/000000-00-source.png", prefix + "images/000000-00-target.jpg",
                    prefix + "images/000000-00-mask.png"),
                    server.received().stream().map(TestServer.Received::path).toList());
            assertEquals(metadata, Files.readString(dir.resolve("out/metadata.jsonl")));
            assertEquals("# card", Files.readString(dir.resolve("out/README.md")));
            assertEquals(3, Files.readAllBytes(dir.resolve("out/images/000000-00-mask.png"))[0]);
        }
    }

    @Test
    void aRunningDatasetOrOneNamingAFileOutsideItIsNotDownloaded(@TempDir Path dir) throws Exception {
        try (TestServer server = new TestServer().then(json(200, dataset("running", 2, 1, 3)))) {
            var running = assertThrows(BrushlineException.class, () -> client(server).downloadDataset(DATASET, dir));
            assertEquals("dataset " + DATASET + " is still running (2 of 3 images surveyed, 3 images and removals to"
                    + " go); download it once it has completed", running.getMessage());
        }
        try (TestServer server = new TestServer().then(json(200, dataset("completed", 3, 1, 0)),
                bytes(200, "{\"source_file_name\":\"../../escape.png\"}\n".getBytes(StandardCharsets.UTF_8)),
                bytes(200, "# card".getBytes(StandardCharsets.UTF_8)))) {
            var unsafe = assertThrows(BrushlineException.class,
                    () -> client(server).downloadDataset(DATASET, dir.resolve("out")));
            assertTrue(unsafe.getMessage().contains("names ../../escape.png, which is not a file inside"),
                    unsafe.getMessage());
            assertFalse(Files.exists(dir.resolve("escape.png")));
        }
    }

    @Test
    void aFileIsReadByItsPathInTheDataset() throws Exception {
        try (TestServer server = new TestServer().then(bytes(200, new byte[] {9}))) {
            assertEquals(9, client(server).datasetFile(DATASET, "images/a b.png")[0]);
            assertEquals("/v1/datasets/" + DATASET + "/files/images/a%20b.png", server.received().get(0).path());
        }
        assertThrows(IllegalArgumentException.class, () -> BrushlineClient.builder("http://localhost:1").build()
                .datasetFile(DATASET, "images/../../secrets"));
    }
}
