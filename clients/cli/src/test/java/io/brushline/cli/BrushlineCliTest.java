package io.brushline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line against a small fake gateway on a real local HTTP server. */
class BrushlineCliTest {

    /**
     * A job of the fake gateway: it fails when the photo's bytes say FAIL, else succeeds with a result of
     * {@code resultType}.
     */
    record FakeJob(String id, String instruction, boolean fails, String form, String resultType) {
    }

    /**
     * The result type the gateway gives for this form: the output format asked for, else (auto) JPEG for a
     * JPEG photo and PNG for any other; the fake tells a JPEG photo by its file name.
     */
    private static String resultType(String form) {
        String format = outputFormatSent(form);
        if (format == null || format.equals("auto")) {
            Matcher photo = Pattern.compile("name=\"image\"; filename=\"[^\"]*\\.(\\w+)\"").matcher(form);
            format = photo.find() && photo.group(1).matches("jpe?g") ? "jpeg" : "png";
        }
        return "image/" + format;
    }

    /** The value of the form's output_format field, or null without one. */
    private static String outputFormatSent(String form) {
        Matcher field = Pattern.compile("name=\"output_format\"[^\n]*\n[^\n]*\n\r\n(\\w+)").matcher(form);
        return field.find() ? field.group(1) : null;
    }

    /** The job whose result the fake wrote into {@code result} ("result of ID"). */
    private FakeJob jobOf(Path result) throws IOException {
        return jobs.get(Files.readString(result).substring("result of ".length()));
    }

    private HttpServer server;
    private final Map<String, FakeJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, String> idByKey = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void startFakeGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/edits", this::answer);
        server.createContext("/v1/batches", this::answerBatch);
        server.createContext("/v1/datasets", this::answerDataset);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Records "METHOD /path" of a request to the edits or datasets and answers its body, byte for byte. */
    private String received(HttpExchange exchange) throws IOException {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** The id of a submission, and whether it is new (202) or its key's first one (200). */
    record Keyed(String id, boolean created) {
    }

    /** A new id, unless a submission of this kind came with the same idempotency key before: then its id. */
    private Keyed idFor(HttpExchange exchange, String kind) {
        String made = UUID.randomUUID().toString();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        String first = key == null ? null : idByKey.putIfAbsent(kind + ":" + key, made);
        return first != null ? new Keyed(first, false) : new Keyed(made, true);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String body = received(exchange);
            if (method.equals("POST")) {
                Keyed keyed = idFor(exchange, "edit");
                if (keyed.created()) {
                    jobs.put(keyed.id(), new FakeJob(keyed.id(), "instruction", body.contains("FAIL"), body,
                            resultType(body)));
                }
                send(exchange, keyed.created() ? 202 : 200, "application/json", submitted(keyed.id(), keyed.created()));
                return;
            }
            String[] parts = path.split("/");
            FakeJob job = jobs.get(parts[3]);
            if (job == null) {
                send(exchange, 404, "application/json", "{\"error\":\"not_found\",\"message\":\"no edit job with id "
                        + parts[3] + "\"}");
                return;
            }
            String terminal = job.fails() ? "FAILED" : "SUCCEEDED";
            if (parts.length == 4 && method.equals("DELETE")) {
                send(exchange, 200, "application/json", status(job, "CANCELED"));
            } else if (parts.length == 4) {
                send(exchange, 200, "application/json", status(job, terminal));
            } else if (parts[4].equals("events")) {
                send(exchange, 200, "text/event-stream", "data:" + status(job, "QUEUED") + "\n\ndata:"
                        + status(job, "GROUNDING") + "\n\ndata:" + status(job, terminal) + "\n\n");
            } else if (parts[4].equals("result")) {
                send(exchange, 200, job.resultType(), "result of " + job.id());
            } else if (parts[4].equals("mask")) {
                send(exchange, 200, "image/png", "mask of " + job.id());
            }
        }
    }

    /** A batch of the fake gateway: items whose URL says FAIL fail; it ends once it has been read once. */
    record FakeBatch(String id, List<String> urls, String body, int[] reads, boolean[] cancelled) {
    }

    private final Map<String, FakeBatch> batches = new ConcurrentHashMap<>();

    private void answerBatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getQuery();
            String method = exchange.getRequestMethod();
            requests.add(method + " " + path + (query == null ? "" : "?" + query));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (method.equals("POST")) {
                Keyed keyed = idFor(exchange, "batch");
                String id = keyed.id();
                List<String> urls = new java.util.ArrayList<>();
                Matcher url = Pattern.compile("\"image_url\":\"([^\"]*)\"").matcher(body);
                while (url.find()) {
                    urls.add(url.group(1));
                }
                batches.putIfAbsent(id, new FakeBatch(id, urls, body, new int[1], new boolean[1]));
                send(exchange, keyed.created() ? 202 : 200, "application/json", "{\"id\":\"" + id
                        + "\",\"status_url\":\"/v1/batches/" + id + "\",\"total\":" + urls.size()
                        + ",\"created\":" + keyed.created() + "}");
                return;
            }
            FakeBatch batch = batches.get(path.split("/")[3]);
            if (batch == null) {
                send(exchange, 404, "application/json", "{\"error\":\"not_found\",\"message\":\"no batch with id "
                        + path.split("/")[3] + "\"}");
                return;
            }
            if (method.equals("DELETE")) {
                batch.cancelled()[0] = true;
            }
            boolean ended = batch.reads()[0]++ > 0;
            int from = query != null && query.startsWith("page_token=p") ? Integer.parseInt(query.substring(12)) : 0;
            int size = query != null && query.equals("page_size=1") ? 1 : 2;
            send(exchange, 200, "application/json", batchView(batch, ended, from, size));
        }
    }

    private static String batchView(FakeBatch batch, boolean ended, int from, int size) {
        int total = batch.urls().size();
        long failing = batch.urls().stream().filter(u -> u.contains("FAIL")).count();
        String counts = ended ? "{\"SUCCEEDED\":" + (total - failing) + ",\"FAILED\":" + failing + "}"
                : "{\"QUEUED\":" + total + "}";
        StringBuilder items = new StringBuilder();
        for (int i = from; i < Math.min(total, from + size); i++) {
            String job = "00000000-0000-0000-0000-00000000000" + i;
            String state = !ended ? "QUEUED" : batch.urls().get(i).contains("FAIL") ? "FAILED" : "SUCCEEDED";
            items.append(i == from ? "" : ",").append("{\"index\":").append(i).append(",\"job_id\":\"").append(job)
                    .append("\",\"state\":\"").append(state).append("\"")
                    .append(state.equals("SUCCEEDED") ? ",\"result_url\":\"/v1/edits/" + job + "/result\"" : "")
                    .append(state.equals("FAILED") ? ",\"failure\":{\"code\":\"invalid_image_url\",\"reason\":"
                            + "\"the URL answered 404\"}" : "")
                    .append(",\"metadata\":{\"sku\":\"A-").append(i).append("\"}}");
        }
        return "{\"id\":\"" + batch.id() + "\",\"state\":\"" + (batch.cancelled()[0] ? "cancelled"
                : ended ? "completed" : "running") + "\",\"total\":" + total + ",\"remaining\":" + (ended ? 0 : total)
                + ",\"counts\":" + counts + ",\"items\":[" + items + "],\"offset\":" + from
                + (from + size < total ? ",\"next_page_token\":\"p" + (from + size) + "\"" : "")
                + (ended ? ",\"manifest_url\":\"/v1/batches/" + batch.id() + "/manifest\"" : "") + "}";
    }

    /** A dataset of the fake gateway: running on its first read, completed with one pair after that. */
    record FakeDataset(String id, String body, int images, int[] reads) {
    }

    private final Map<String, FakeDataset> datasets = new ConcurrentHashMap<>();

    private void answerDataset(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String body = received(exchange);
            if (method.equals("POST")) {
                Keyed keyed = idFor(exchange, "dataset");
                String id = keyed.id();
                int images = body.split("name=\"image\"", -1).length - 1 + body.split("\"image_url\"", -1).length - 1;
                datasets.putIfAbsent(id, new FakeDataset(id, body, images, new int[1]));
                send(exchange, keyed.created() ? 202 : 200, "application/json", "{\"id\":\"" + id + "\",\"images\":"
                        + images + ",\"status_url\":\"/v1/datasets/" + id + "\",\"created\":" + keyed.created() + "}");
                return;
            }
            String[] parts = path.split("/", 6);
            FakeDataset dataset = datasets.get(parts[3]);
            if (dataset == null) {
                send(exchange, 404, "application/json", "{\"error\":\"dataset_not_found\",\"message\":\"no dataset with"
                        + " id " + parts[3] + "\"}");
            } else if (parts.length == 4) {
                boolean completed = dataset.reads()[0]++ > 0;
                send(exchange, 200, "application/json", "{\"id\":\"" + dataset.id() + "\",\"state\":\""
                        + (completed ? "completed" : "running") + "\",\"images\":" + dataset.images()
                        + ",\"images_surveyed\":" + (completed ? dataset.images() : 0) + ",\"objects_found\":3,"
                        + "\"pairs_queued\":2,\"pairs_kept\":" + (completed ? 1 : 0) + ",\"pairs_unverified\":"
                        + (completed ? 1 : 0) + ",\"pairs_dropped\":1,"
                        + "\"dropped\":{\"area_too_small\":1,\"still_detected\":1},\"failed_images\":[],\"remaining\":"
                        + (completed ? 0 : 3) + ",\"pairs_per_minute\":2.5,\"filters\":{},\"output\":{\"prefix\":"
                        + "\"datasets/" + dataset.id() + "/\",\"metadata_url\":\"/v1/datasets/" + dataset.id()
                        + "/files/metadata.jsonl\",\"card_url\":\"/v1/datasets/" + dataset.id() + "/files/README.md\"}}");
            } else if (parts[5].equals("metadata.jsonl")) {
                send(exchange, 200, "application/x-ndjson", "{\"source_file_name\":\"images/000000-00-source.png\","
                        + "\"target_file_name\":\"images/000000-00-target.jpg\",\"mask_file_name\":"
                        + "\"images/000000-00-mask.png\",\"instruction\":\"add a dog next to the sofa\"}\n");
            } else {
                send(exchange, 200, "application/octet-stream", "file " + parts[5]);
            }
        }
    }

    @Test
    void aDatasetIsCreatedFromPhotosFollowedShownAndDownloaded() throws IOException {
        Path folder = photos(2, 0);
        Path first = folder.resolve("photo00.jpg");
        Path second = folder.resolve("photo01.jpg");
        Run create = run("--server", url(), "dataset", "create", first.toString(), second.toString(), "--filters",
                "{\"classes\": [\"dog\"]}", "--webhook", "https://example.test/hooks", "--wait");

        assertEquals(0, create.exit(), create.err());
        String id = datasets.keySet().iterator().next();
        assertEquals("dataset " + id + ": completed, 2 images (2 surveyed)\n"
                + "objects found: 3, sent for removal: 2, pairs kept: 1 (1 unverified: the detector does not know "
                + "their class)\n"
                + "dropped: area_too_small 1, still_detected 1\n"
                + "metadata: /v1/datasets/" + id + "/files/metadata.jsonl\n"
                + "data card: /v1/datasets/" + id + "/files/README.md\n", create.out());
        assertTrue(create.err().contains("dataset " + id + "  0/2 images surveyed  0 pairs kept  3 to go"), create.err());
        String body = datasets.get(id).body();
        assertTrue(body.contains("filename=\"photo00.jpg\"") && body.contains("filename=\"photo01.jpg\""), body);
        assertTrue(body.contains("{\"classes\":[\"dog\"]}") && body.contains("https://example.test/hooks"), body);

        // the same command again is the same dataset, not a second one
        Run again = run("--server", url(), "dataset", "create", first.toString(), second.toString(), "--filters",
                "{\"classes\": [\"dog\"]}", "--webhook", "https://example.test/hooks");
        assertEquals(id + "\n", again.out());
        assertEquals(1, datasets.size());

        Run status = run("--server", url(), "dataset", "status", id, "--json");
        assertEquals(0, status.exit());
        assertTrue(status.out().contains("\"pairs_kept\" : 1"), status.out());

        requests.clear();
        Path target = dir.resolve("pairs");
        Run download = run("--server", url(), "dataset", "download", id, target.toString());
        assertEquals(0, download.exit(), download.err());
        assertEquals("dataset " + id + ": 5 files written to " + target + "\n", download.out());
        assertEquals("file README.md", Files.readString(target.resolve("README.md")));
        assertEquals("file images/000000-00-mask.png", Files.readString(target.resolve("images/000000-00-mask.png")));
        assertTrue(Files.readString(target.resolve("metadata.jsonl")).contains("add a dog next to the sofa"));
        assertEquals(6, requests.size(), "the status, then metadata, card and three images: " + requests);
    }

    @Test
    void aDatasetIsCreatedFromAPrefixOrFromAManifestWhoseItemsGoAsTheyAre() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Run prefix = run("--server", url(), "dataset", "create", "--prefix", "photos/rooms/", "--filters",
                "{\"classes\": [\"chair\"]}");
        assertEquals(0, prefix.exit(), prefix.err());
        String id = prefix.out().strip();
        assertEquals(json.readTree("{\"prefix\":\"photos/rooms/\",\"filters\":{\"classes\":[\"chair\"]}}"),
                json.readTree(datasets.get(id).body()));
        Run again = run("--server", url(), "dataset", "create", "--prefix", "photos/rooms/", "--filters",
                "{\"classes\": [\"chair\"]}");
        assertEquals(id + "\n", again.out(), "the same prefix and options are the same dataset");

        String items = "[{\"image_url\": \"https://cdn.example.test/room1.jpg\", \"objects\": [{\"label\": \"dog\","
                + " \"box\": [412, 220, 898, 701]}, {\"label\": \"floor lamp\", \"mask_url\":"
                + " \"https://cdn.example.test/room1-lamp.png\"}]}, {\"image_id\": \"3222557b\"}]";
        Path manifest = Files.writeString(dir.resolve("rooms.json"), "{\"items\": " + items + ",\n \"filters\":"
                + " {\"min_area\": 0.01}, \"webhook_url\": \"https://example.test/old\"}");
        Run fromFile = run("--server", url(), "dataset", "create", "--manifest", manifest.toString(), "--webhook",
                "https://example.test/new", "--idempotency-key", "rooms-1");
        assertEquals(0, fromFile.exit(), fromFile.err());
        String fileId = fromFile.out().strip();
        assertEquals(fileId, idByKey.get("dataset:rooms-1"));
        assertEquals(json.readTree("{\"items\": " + items + ", \"filters\": {\"min_area\": 0.01},"
                + " \"webhook_url\": \"https://example.test/new\"}"), json.readTree(datasets.get(fileId).body()));

        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(items.getBytes(StandardCharsets.UTF_8)));
            Run fromStdin = run("--server", url(), "dataset", "create", "--manifest", "-", "--filters",
                    "{\"single_instance\": false}");
            assertEquals(0, fromStdin.exit(), fromStdin.err());
            assertEquals(json.readTree("{\"items\": " + items + ", \"filters\": {\"single_instance\": false}}"),
                    json.readTree(datasets.get(fromStdin.out().strip()).body()));
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void datasetPrefixAndManifestMistakesAreToldInWords() throws IOException {
        Path photo = photos(1, 0).resolve("photo00.jpg");
        Run prefixAndPhoto = run("--server", url(), "dataset", "create", photo.toString(), "--prefix", "photos/");
        Run nothing = run("--server", url(), "dataset", "create", "--filters", "{}");
        Path broken = Files.writeString(dir.resolve("rooms.json"), "{\"items\": [\n  {\"image_url\" \"x\"}]}");
        Run badJson = run("--server", url(), "dataset", "create", "--manifest", broken.toString());
        Path empty = Files.writeString(dir.resolve("empty.json"), "{\"items\": [], \"filters\": {}}");
        Run noItems = run("--server", url(), "dataset", "create", "--manifest", empty.toString());
        Run missing = run("--server", url(), "dataset", "create", "--manifest", dir.resolve("none.json").toString());
        Run manifestAndPrefix = run("--server", url(), "dataset", "create", "--manifest", empty.toString(),
                "--prefix", "");

        String ways = ": image files or http(s) URLs, --manifest FILE or --prefix PREFIX\n";
        String form = "; give {\"items\": [{\"image_url\": \"https://...\"}, ...]} or a list of such items\n";
        String help = "(see 'brushline dataset create --help')\n";
        assertEquals("brushline: give the images one way only" + ways + help, prefixAndPhoto.err());
        assertEquals("brushline: give the images one way only" + ways + help, manifestAndPrefix.err());
        assertEquals("brushline: give the images" + ways + help, nothing.err());
        assertEquals("brushline: " + broken + " is not valid JSON (line 2, column 16)" + form + help, badJson.err());
        assertEquals("brushline: " + empty + " has no items" + form + help, noItems.err());
        assertEquals("brushline: the manifest " + dir.resolve("none.json") + " does not exist\n" + help, missing.err());
        for (Run run : List.of(prefixAndPhoto, nothing, badJson, noItems, missing, manifestAndPrefix)) {
            assertEquals(2, run.exit(), run.toString());
            assertWords(run);
        }
        assertTrue(datasets.isEmpty(), "nothing was submitted");
    }

    @Test
    void datasetMistakesAreToldInWords() throws IOException {
        Path photo = photos(1, 0).resolve("photo00.jpg");
        Run both = run("--server", url(), "dataset", "create", photo.toString(), "https://cdn.example.test/1.jpg");
        assertEquals(2, both.exit());
        assertTrue(both.err().startsWith("brushline: a dataset is made of uploaded files or of image URLs, not both"),
                both.err());
        Run badFilters = run("--server", url(), "dataset", "create", photo.toString(), "--filters", "{classes: dog");
        assertEquals(2, badFilters.exit());
        assertTrue(badFilters.err().startsWith("brushline: the filters are not valid JSON"), badFilters.err());
        Run missing = run("--server", url(), "dataset", "create", dir.resolve("none.jpg").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("does not exist (and is not an http(s) URL)"), missing.err());
        assertTrue(datasets.isEmpty(), "nothing was submitted");

        String id = run("--server", url(), "dataset", "create", "https://cdn.example.test/1.jpg").out().strip();
        Run running = run("--server", url(), "dataset", "download", id, dir.resolve("pairs").toString());
        assertEquals(3, running.exit());
        assertTrue(running.err().startsWith("brushline: dataset " + id + " is still running"), running.err());
        Run unknown = run("--server", url(), "dataset", "status", "3222557b");
        assertEquals(3, unknown.exit());
        assertEquals("brushline: no dataset with id 3222557b", unknown.err().strip());
        for (Run run : List.of(both, badFilters, missing, running, unknown)) {
            assertWords(run);
        }
    }

    private Path manifest(int count, int failing) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append("{\"image_url\": \"https://cdn.example.test/").append(i < failing ? "FAIL" : "p")
                    .append(i).append(".jpg\", \"metadata\": {\"sku\": \"A-").append(i).append("\"}}\n");
        }
        return Files.writeString(dir.resolve("catalogue.jsonl"), lines);
    }

    @Test
    void aManifestIsSubmittedFollowedAndEachItemsResultPrinted() throws IOException {
        Path manifest = manifest(3, 1);
        Run run = run("--server", url(), "batch", "submit", manifest.toString(), "--instruction",
                "make the background white", "--wait");
        assertEquals(1, run.exit(), "one item failed: " + run);
        String id = batches.keySet().iterator().next();
        assertTrue(run.out().startsWith("batch " + id + ": completed, 3 items\ncounts: 2 SUCCEEDED, 1 FAILED\n"
                + "manifest: /v1/batches/" + id + "/manifest\n"), run.out());
        assertTrue(run.out().contains("    0  FAILED        00000000-0000-0000-0000-000000000000  invalid_image_url: the"
                + " URL answered 404  {\"sku\":\"A-0\"}"), run.out());
        assertTrue(run.out().contains("    2  SUCCEEDED     00000000-0000-0000-0000-000000000002  /v1/edits/"
                + "00000000-0000-0000-0000-000000000002/result  {\"sku\":\"A-2\"}"), run.out());
        assertTrue(run.err().contains("batch " + id + "  0/3 ended  3 QUEUED"), run.err());
        assertTrue(batches.get(id).body().contains("\"instruction\":\"make the background white\""));
        assertEquals(List.of("POST /v1/batches", "GET /v1/batches/" + id + "?page_size=1",
                "GET /v1/batches/" + id + "?page_size=1", "GET /v1/batches/" + id,
                "GET /v1/batches/" + id + "?page_token=p2"), requests);

        // the same command again is the same batch, not a second one
        Run again = run("--server", url(), "batch", "submit", manifest.toString(), "--instruction",
                "make the background white");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(id, again.out().strip());
        assertEquals(1, batches.size());
    }

    @Test
    void aBatchIsShownAndCancelledAndMistakesAreToldInWords() throws IOException {
        Path manifest = manifest(2, 0);
        Run submitted = run("--server", url(), "batch", "submit", manifest.toString(), "--instruction", "sepia");
        String id = submitted.out().strip();
        Run cancel = run("--server", url(), "batch", "cancel", id);
        assertEquals(0, cancel.exit(), cancel.toString());
        assertTrue(cancel.out().startsWith("batch " + id + ": cancelled, 2 items"), cancel.out());
        Run status = run("--server", url(), "batch", "status", id, "--json");
        assertEquals(0, status.exit(), "every item succeeded: " + status);
        assertTrue(status.out().contains("\"state\" : \"cancelled\""), status.out());
        assertTrue(status.out().contains("\"sku\" : \"A-1\""), status.out());

        Run unknown = run("--server", url(), "batch", "status", "3222557b");
        assertEquals(3, unknown.exit());
        assertEquals("brushline: no batch with id 3222557b", unknown.err().strip());
        Path broken = Files.writeString(dir.resolve("broken.jsonl"), "{\"image_url\": \"https://x.test/1.jpg\"}\nnot json\n");
        Run badLine = run("--server", url(), "batch", "submit", broken.toString());
        assertEquals(2, badLine.exit());
        assertTrue(badLine.err().startsWith("brushline: line 2 of " + broken + " is not valid JSON"), badLine.err());
        Run missing = run("--server", url(), "batch", "submit", dir.resolve("none.jsonl").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().startsWith("brushline: the manifest " + dir.resolve("none.jsonl") + " does not exist"),
                missing.err());
        for (Run run : List.of(cancel, status, unknown, badLine, missing)) {
            assertWords(run);
        }
    }

    private static String submitted(String id, boolean created) {
        return "{\"id\":\"" + id + "\",\"status_url\":\"/v1/edits/" + id + "\",\"created\":" + created + "}";
    }

    private static String status(FakeJob job, String state) {
        String json = "{\"id\":\"" + job.id() + "\",\"state\":\"" + state + "\",\"instruction\":\"blur the background\","
                + "\"created_at\":\"2026-11-30T10:00:00Z\",\"width\":64,\"height\":48,\"category\":\"BACKGROUND\","
                + "\"operation\":{\"tier\":\"cpu\",\"name\":\"background-blur\",\"params\":{}},"
                + "\"transitions\":{\"QUEUED\":\"2026-11-30T10:00:00Z\",\"" + state + "\":\"2026-11-30T10:00:02.5Z\"},"
                + "\"stage_millis\":{},\"storage_millis\":{}";
        if (state.equals("SUCCEEDED")) {
            json += ",\"result_url\":\"/v1/edits/" + job.id() + "/result\",\"result_type\":\"" + job.resultType()
                    + "\",\"mask_url\":\"/v1/edits/" + job.id() + "/mask\"";
        }
        if (state.equals("FAILED")) {
            json += ",\"failure\":{\"stage\":\"grounding\",\"code\":\"object_not_found\","
                    + "\"reason\":\"no person was found in the image\"}";
        }
        return json + "}";
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Run run(String... args) {
        CommandLine cli = Brushline.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path photos(int count, int failing) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("photos"));
        for (int i = 0; i < count; i++) {
            Files.writeString(folder.resolve(String.format("photo%02d.jpg", i)),
                    (i < failing ? "FAIL " : "photo ") + i);
        }
        Files.writeString(folder.resolve("notes.txt"), "not a photo");
        return folder;
    }

    @Test
    void aFolderIsEditedSummarisedAndResumedWithoutEditingAnyPhotoTwice() throws IOException {
        Path folder = photos(6, 1);
        Path results = dir.resolve("results");

        Run first = run("edit", folder.toString(), "blur the background", "-o", results.toString(),
                "--server", url(), "--concurrency", "3");
        assertEquals(1, first.exit(), "one photo failed: " + first);
        assertTrue(first.out().matches("(?s).*photos\\s+6\\s.*succeeded\\s+5\\s.*already done \\(skipped\\)\\s+0\\s"
                + ".*failed\\s+1\\s.*object_not_found\\s+1\\s.*"), first.out());
        assertTrue(first.out().contains("photo00.jpg: no person was found in the image (job "), first.out());
        assertTrue(first.err().contains("[6/6] 5 succeeded, 1 failed, 0 already done"), first.err());
        for (int i = 1; i < 6; i++) {
            Path result = results.resolve(String.format("photo%02d.jpg", i));
            assertTrue(Files.readString(result).startsWith("result of "), result + ": a JPEG photo gives a JPEG");
        }
        assertFalse(Files.exists(results.resolve("photo00.jpg")));
        assertFalse(Files.exists(results.resolve("notes.png")), "only photos are sent");
        assertEquals(6, jobs.size());

        // one result is lost: the next run skips the others and finds the job again by its key
        Files.delete(results.resolve("photo03.jpg"));
        Run second = run("--server", url(), "edit", folder.toString(), "blur the background", "-o", results.toString(),
                "--json");
        assertEquals(1, second.exit(), second.toString());
        assertTrue(second.out().contains("\"succeeded\" : 1"), second.out());
        assertTrue(second.out().contains("\"skipped\" : 4"), second.out());
        assertTrue(second.out().contains("\"object_not_found\" : 1"), second.out());
        assertEquals(6, jobs.size(), "no photo was submitted as a new job twice");
        assertTrue(Files.exists(results.resolve("photo03.jpg")));
        assertEquals(2, requests.stream().filter(r -> r.startsWith("POST")).count() - 6,
                "only the lost and the failed photo were sent again");
    }

    @Test
    void aFolderRunSavesEachResultWithTheEndingOfItsFormatAndSkipsOnlyResultsInTheFormatAskedFor()
            throws IOException {
        Path folder = Files.createDirectories(dir.resolve("photos"));
        for (String name : List.of("cat.jpeg", "dog.png", "sofa.jpg", "sofa.png")) {
            Files.writeString(folder.resolve(name), "photo " + name);
        }
        Path results = dir.resolve("results");

        Run auto = run("--server", url(), "edit", folder.toString(), "sepia", "-o", results.toString());
        assertEquals(0, auto.exit(), auto.toString());
        assertEquals(List.of("cat.jpg", "dog.png", "sofa_jpg.jpg", "sofa_png.png"), files(results));

        Run again = run("--server", url(), "edit", folder.toString(), "sepia", "-o", results.toString());
        assertTrue(again.out().matches("(?s).*already done \\(skipped\\)\\s+4\\s.*"), again.out());

        // PNG asked for: a JPEG result is not it, so those photos are edited again as PNG
        Run png = run("--server", url(), "edit", folder.toString(), "sepia", "-o", results.toString(), "--format", "png",
                "--json");
        assertEquals(0, png.exit(), png.toString());
        assertTrue(png.out().contains("\"succeeded\" : 2") && png.out().contains("\"skipped\" : 2"), png.out());
        assertTrue(png.out().contains("\"result\" : \"" + results.resolve("cat.png") + "\""), png.out());
        assertEquals(List.of("cat.jpg", "cat.png", "dog.png", "sofa_jpg.jpg", "sofa_jpg.png", "sofa_png.png"),
                files(results));
        assertEquals(6, jobs.size(), "four photos, then two of them as PNG");
        assertEquals(2, jobs.values().stream().filter(job -> job.form().contains("output_format")).count());
    }

    private static List<String> files(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theOutputFilesEndingChoosesTheFormatUnlessFormatIsGiven() throws IOException {
        Path photo = Files.writeString(dir.resolve("dog.png"), "a dog");
        assertEquals("jpeg", formatSentFor(photo, "out.jpg"));
        assertEquals("jpeg", formatSentFor(photo, "out.JPEG"));
        assertEquals("png", formatSentFor(photo, "out.png"));
        assertEquals("jpeg", formatSentFor(photo, "out.jpg", "--format", "jpeg"));
        assertEquals("jpeg", formatSentFor(photo, "out.img", "--format", "JPG"));
    }

    /** Edits {@code photo} into {@code output} in the test's folder; answers the output_format the gateway got. */
    private String formatSentFor(Path photo, String output, String... options) throws IOException {
        Path out = dir.resolve(output);
        List<String> args = new java.util.ArrayList<>(List.of("--server", url(), "edit", photo.toString(), "sepia",
                "-o", out.toString()));
        args.addAll(List.of(options));
        Run run = run(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.toString());
        return outputFormatSent(jobOf(out).form());
    }

    @Test
    void anOutputFileNamedForNeitherFormatOrAgainstFormatIsAUsageErrorInWords() throws IOException {
        Path photo = Files.writeString(dir.resolve("dog.jpg"), "a dog");
        Path tiff = dir.resolve("out.tiff");
        Path png = dir.resolve("out.png");
        Run neither = run("--server", url(), "edit", photo.toString(), "sepia", "-o", tiff.toString());
        Run against = run("--server", url(), "edit", photo.toString(), "sepia", "-o", png.toString(), "--format", "jpeg");
        Run auto = run("--server", url(), "edit", photo.toString(), "sepia", "-o", png.toString(), "--format", "auto");
        Run unknown = run("--server", url(), "edit", photo.toString(), "sepia", "--format", "gif");

        String help = "\n(see 'brushline edit --help')\n";
        assertEquals("brushline: results are saved as PNG or JPEG: name the output .png, .jpg or .jpeg, or pass --format"
                + help, neither.err());
        assertEquals("brushline: -o " + png + " names a PNG file, but --format jpeg asks for JPEG: leave out --format,"
                + " and the name's ending chooses" + help, against.err());
        assertEquals("brushline: -o " + png + " names a PNG file, but --format auto lets the server choose PNG or"
                + " JPEG: leave out --format, and the name's ending chooses" + help, auto.err());
        assertEquals("brushline: Invalid value for option '--format': choose png, jpeg or auto (JPEG for a JPEG"
                + " photo, else PNG), not 'gif'" + help, unknown.err());
        for (Run run : List.of(neither, against, auto, unknown)) {
            assertEquals(2, run.exit(), run.toString());
            assertWords(run);
        }
        assertTrue(jobs.isEmpty(), "nothing was submitted");
    }

    @Test
    void withoutAnOutputFileTheResultIsNamedForItsFormat() throws IOException {
        // the default name is in the working folder: a name no other file has, removed afterwards
        String stem = "format-test-" + UUID.randomUUID();
        Path photo = Files.writeString(dir.resolve(stem + ".jpg"), "a photo");
        Path jpeg = Path.of(stem + "-edited.jpg");
        Path png = Path.of(stem + "-edited.png");
        try {
            Run auto = run("--server", url(), "edit", photo.toString(), "sepia");
            assertEquals(0, auto.exit(), auto.toString());
            assertTrue(auto.out().startsWith("saved " + jpeg + " ("), auto.out());
            assertNull(outputFormatSent(jobOf(jpeg).form()), "no format given, none sent: the server's auto");

            Run asPng = run("--server", url(), "edit", photo.toString(), "sepia", "--format", "png");
            assertEquals(0, asPng.exit(), asPng.toString());
            assertTrue(asPng.out().startsWith("saved " + png + " ("), asPng.out());
            assertEquals("png", outputFormatSent(jobOf(png).form()));
        } finally {
            Files.deleteIfExists(jpeg);
            Files.deleteIfExists(png);
        }
    }

    @Test
    void aFolderOfPhotosThatAllSucceedExitsZero() throws IOException {
        Path folder = photos(2, 0);
        Run run = run("edit", folder.toString(), "make it black and white", "-o", dir.resolve("out").toString(),
                "--server", url());
        assertEquals(0, run.exit(), run.toString());
    }

    @Test
    void onePhotoWithHintsIsSavedWithItsMask() throws IOException {
        Path photo = Files.writeString(dir.resolve("dog.jpg"), "a dog");
        Path out = dir.resolve("out.png");
        Path mask = dir.resolve("mask.png");
        Run run = run("--server", url(), "edit", photo.toString(), "remove the dog", "--box", "1,2,30,40",
                "--points", "5,6;7,8,0", "-o", out.toString(), "--mask-out", mask.toString());
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().startsWith("saved " + out + " (succeeded: background-blur (cpu tier)), mask in " + mask),
                run.out());
        assertTrue(run.err().contains("dog.jpg  [3/5] grounding"), run.err());
        assertTrue(run.err().contains("dog.jpg  succeeded after"), run.err());
        assertTrue(Files.readString(out).startsWith("result of "));
        assertTrue(Files.readString(mask).startsWith("mask of "));
        String form = jobs.values().iterator().next().form();
        assertTrue(form.contains("1,2,30,40") && form.contains("[[5,6],[7,8,0]]"), form);
    }

    @Test
    void noWaitPrintsTheJobIdAndStatusDescribesTheJob() throws IOException {
        Path photo = Files.writeString(dir.resolve("bad.jpg"), "FAIL");
        Run submitted = run("--server", url(), "edit", photo.toString(), "remove the person", "--no-wait");
        assertEquals(0, submitted.exit(), submitted.toString());
        String id = submitted.out().strip();
        assertTrue(jobs.containsKey(id), submitted.out());

        Run status = run("status", id, "--server", url());
        assertEquals(1, status.exit(), "a failed job: " + status);
        assertTrue(status.out().contains("failure      object_not_found at grounding: no person was found in the image"),
                status.out());
        assertTrue(status.out().contains("took         2.5 s"), status.out());
        Run json = run("status", id, "--server", url(), "--json");
        assertTrue(json.out().contains("\"code\" : \"object_not_found\""), json.out());

        Run watch = run("watch", id, "--server", url());
        assertEquals(1, watch.exit());
        assertEquals("failed at grounding (object_not_found): no person was found in the image", watch.out().strip());

        Run cancel = run("cancel", id, "--server", url());
        assertTrue(cancel.out().contains("state        CANCELED"), cancel.out());
    }

    @Test
    void anUnreachableServerIsExplainedInWords() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path folder = photos(3, 0);
        Run run = run("edit", folder.toString(), "sepia", "-o", dir.resolve("out").toString(),
                "--server", "http://127.0.0.1:" + port, "--concurrency", "1");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("unreachable"), run.out());
        assertTrue(run.out().contains("not started: the server could not be used"), run.out());
        assertWords(run);

        Run status = run("status", "3222557b", "--server", "http://127.0.0.1:" + port);
        assertEquals(3, status.exit());
        assertEquals("brushline: cannot connect to the Brushline server at http://127.0.0.1:" + port
                + ": connection refused (is it running, and is the address right?)", status.err().strip());
    }

    @Test
    void usageErrorsAreOneLineInWords() throws IOException {
        Path folder = photos(1, 0);
        Run noOutput = run("edit", folder.toString(), "sepia", "--server", url());
        assertEquals(2, noOutput.exit());
        assertTrue(noOutput.err().startsWith("brushline: a folder of photos needs an output folder: -o RESULTS_FOLDER"),
                noOutput.err());
        Run badBox = run("edit", folder.resolve("photo00.jpg").toString(), "sepia", "--box", "1,2", "--server", url());
        assertEquals(2, badBox.exit());
        assertTrue(badBox.err().startsWith("brushline: --box takes X1,Y1,X2,Y2 in pixels"), badBox.err());
        Run badServer = run("status", "abc", "--server", "localhost:8080");
        assertEquals(2, badServer.exit());
        assertTrue(badServer.err().startsWith("brushline: the server address must start with http:// or https://"),
                badServer.err());
        Run missing = run("edit", dir.resolve("nothing.jpg").toString(), "sepia");
        assertTrue(missing.err().contains("is neither a photo nor a folder"), missing.err());
        for (Run run : List.of(noOutput, badBox, badServer, missing)) {
            assertWords(run);
        }
    }

    @Test
    void theIdempotencyKeyDependsOnContentInstructionAndHints() {
        byte[] photo = "photo".getBytes();
        String key = EditCommand.idempotencyKey(photo, "sepia", "");
        assertEquals(key, EditCommand.idempotencyKey("photo".getBytes(), "sepia", ""));
        assertFalse(key.equals(EditCommand.idempotencyKey("photo2".getBytes(), "sepia", "")));
        assertFalse(key.equals(EditCommand.idempotencyKey(photo, "sepia!", "")));
        assertFalse(key.equals(EditCommand.idempotencyKey(photo, "sepia", "box=1,2,3,4")));
    }

    private static void assertWords(Run run) {
        String all = run.out() + run.err();
        assertFalse(all.matches("(?s).*\\b[a-z]+\\.[a-z]+(\\.[a-z]+)*\\.[A-Z]\\w*.*"), all);
        assertFalse(all.contains("Exception"), all);
        assertFalse(all.contains("\tat "), all);
    }
}
