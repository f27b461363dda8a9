package io.brushline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.client.BrushlineClient;
import io.brushline.client.EditRequest;
import io.brushline.client.Job;
import io.brushline.client.JobState;
import io.brushline.localstack.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The client library and the packaged {@code brushline} command against the real stack: the
 * library's types and requests match the gateway's OpenAPI document and its JSON, and a folder of
 * photos is edited by the command, interrupted, and finished by running the same command again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliEndToEndTest {

    private static final int PHOTOS = 10;
    private static final String INSTRUCTION = "make the photo black and white";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path shared;
    private Path root;
    private Path work;
    private LocalStack stack;
    private BrushlineClient client;

    @BeforeAll
    void startStack() throws Exception {
        shared = TestData.sharedDir();
        root = Path.of(System.getProperty("brushline.root", "../..")).toAbsolutePath().normalize();
        assertTrue(Files.exists(cliJar()), cliJar() + " is missing: package clients/cli first");
        work = root.resolve("tests/e2e/target/cli-e2e");
        TestData.deleteRecursively(work);
        stack = new LocalStack(root, work.resolve("stack"), LocalStack.freePorts(), 2).startInfrastructure();
        stack.startServices(Map.of("BRUSHLINE_MODELS_DIR", shared.resolve("models").toString()));
        client = BrushlineClient.builder(stack.gatewayUrl()).build();
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** Every path, method, form field and header the library sends is in the gateway's OpenAPI document. */
    @Test
    void theLibrarysRequestsAreThoseOfTheOpenApiDocument() throws Exception {
        var reply = new Api(stack.gatewayUrl(), null).get("/q/openapi?format=json");
        assertEquals(200, reply.status());
        JsonNode paths = JSON.readTree(reply.body()).path("paths");
        assertTrue(paths.path("/v1/edits").has("post"), paths.toString());
        assertTrue(paths.path("/v1/edits/{id}").has("get"), paths.toString());
        assertTrue(paths.path("/v1/edits/{id}").has("delete"), paths.toString());
        for (String path : List.of("/v1/edits/{id}/result", "/v1/edits/{id}/mask", "/v1/edits/{id}/events")) {
            assertTrue(paths.path(path).has("get"), path + " in " + paths);
        }
        JsonNode submit = paths.path("/v1/edits").path("post");
        JsonNode multipart = submit.path("requestBody").path("content").path("multipart/form-data");
        assertTrue(multipart.isObject(), "the form is declared multipart: " + submit);
        Set<String> fields = new TreeSet<>();
        multipart.path("schema").path("properties").fieldNames().forEachRemaining(fields::add);
        assertEquals(new TreeSet<>(List.of("image", "image_url", "instruction", "webhook_url", "box", "points", "mask",
                "background_image", "output_format")), fields, "the form fields EditRequest sends: " + submit);
        List<String> headers = new ArrayList<>();
        submit.path("parameters").forEach(p -> headers.add(p.path("in").asText() + ":" + p.path("name").asText()));
        assertTrue(headers.contains("header:Idempotency-Key"), headers.toString());
    }

    /** The library submits, follows every stage, and reads a job whose every JSON field it knows. */
    @Test
    void theLibraryFollowsAJobAndKnowsEveryFieldOfItsJson() throws Exception {
        Path photo = shared.resolve("data/images/samhq_example6_whale.jpg");
        var submitted = client.submit(EditRequest.builder().image(photo).instruction("sepia tone")
                .idempotencyKey("cli-e2e-library").build());
        List<JobState> states = new CopyOnWriteArrayList<>();
        Job done = client.watch(submitted.id(), job -> states.add(job.state()));
        assertEquals(JobState.SUCCEEDED, done.state(), done.toString());
        assertEquals(JobState.SUCCEEDED, states.get(states.size() - 1));
        assertEquals("cpu", done.operation().tier(), done.toString());
        assertFalse(client.submit(EditRequest.builder().image(photo).instruction("sepia tone")
                .idempotencyKey("cli-e2e-library").build()).created(), "the same key is the same job");
        byte[] result = client.result(submitted.id());
        assertEquals("image/jpeg", done.resultType(), "a JPEG photo's result is a JPEG");
        assertTrue(isJpeg(result));
        if (done.maskUrl() != null) {
            assertTrue(isPng(client.mask(submitted.id())));
        }

        // what the typed Job writes back holds every field of the gateway's own JSON
        JsonNode raw = new Api(stack.gatewayUrl(), null).get("/v1/edits/" + submitted.id()).json();
        JsonNode typed = JSON.readTree(BrushlineClient.toJson(client.status(submitted.id())));
        assertEquals(fieldPaths(raw, ""), fieldPaths(typed, ""));
    }

    /**
     * The command on a folder of 10 photos: stopped after some results are written, then run again;
     * the second run skips what is done, finishes the rest and reports all of it.
     */
    @Test
    void theCommandEditsAFolderAndResumesAfterAnInterruption() throws Exception {
        Path photos = Files.createDirectories(work.resolve("photos"));
        try (Stream<Path> images = Files.list(shared.resolve("data/images"))) {
            for (Path image : images.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(PHOTOS).toList()) {
                Files.copy(image, photos.resolve(image.getFileName()));
            }
        }
        Path results = work.resolve("results");

        Process first = cli(photos, results, work.resolve("first.out"), 1);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (count(results) < 2 && first.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        boolean interrupted = first.isAlive();
        first.destroy();
        first.waitFor(30, TimeUnit.SECONDS);
        int doneBefore = count(results);
        assertTrue(interrupted && doneBefore < PHOTOS, "the first run was stopped before it finished ("
                + doneBefore + " results): " + Files.readString(work.resolve("first.out")));
        assertTrue(Files.readString(work.resolve("first.out")).contains("interrupted: run the same command again"),
                Files.readString(work.resolve("first.out")));

        Process second = cli(photos, results, work.resolve("second.out"), 2);
        assertTrue(second.waitFor(4, TimeUnit.MINUTES), "the second run finishes");
        String out = Files.readString(work.resolve("second.out"));
        assertEquals(0, second.exitValue(), out);
        assertTrue(out.matches("(?s).*photos\\s+" + PHOTOS + "\\s.*succeeded\\s+" + (PHOTOS - doneBefore)
                + "\\s.*already done \\(skipped\\)\\s+" + doneBefore + "\\s.*failed\\s+0\\s.*"), out);
        assertTrue(out.contains("[" + PHOTOS + "/" + PHOTOS + "] " + (PHOTOS - doneBefore) + " succeeded, 0 failed, "
                + doneBefore + " already done"), out);
        assertFalse(out.contains("Exception"), out);
        try (Stream<Path> images = Files.list(photos)) {
            for (Path photo : images.toList()) {
                String name = photo.getFileName().toString();
                Path result = results.resolve(name.substring(0, name.lastIndexOf('.')) + ".jpg");
                assertTrue(isJpeg(Files.readAllBytes(result)), result + " is a JPEG, as its photo was");
            }
        }
        try (Stream<Path> files = Files.list(results)) {
            assertEquals(PHOTOS, files.count(), "one result per photo, no temporary file left");
        }
    }

    private Path cliJar() {
        return root.resolve("clients/cli/target/brushline-cli.jar");
    }

    private Process cli(Path photos, Path results, Path output, int concurrency) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                cliJar().toString(), "edit", photos.toString(), INSTRUCTION, "-o", results.toString(),
                "--concurrency", String.valueOf(concurrency), "--server", stack.gatewayUrl())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static int count(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return (int) files.filter(f -> f.toString().endsWith(".jpg") && !f.getFileName().toString().startsWith("."))
                    .count();
        }
    }

    private static boolean isJpeg(byte[] bytes) {
        return bytes.length > 3 && bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xD8 && bytes[2] == (byte) 0xFF;
    }

    private static boolean isPng(byte[] bytes) {
        return bytes.length > 8 && bytes[0] == (byte) 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
    }

    /** Every object field's dotted path, for comparing which fields two documents have. */
    private static Set<String> fieldPaths(JsonNode node, String prefix) {
        Set<String> paths = new TreeSet<>();
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var field = it.next();
                paths.add(prefix + field.getKey());
                paths.addAll(fieldPaths(field.getValue(), prefix + field.getKey() + "."));
            }
        }
        return paths;
    }
}
