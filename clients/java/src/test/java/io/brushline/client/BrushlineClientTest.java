package io.brushline.client;

import static io.brushline.client.TestServer.error;
import static io.brushline.client.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrushlineClientTest {

    private static final String ID = "3222557b-0d6a-4d43-9d7b-0e2a61d1a0f1";
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    private BrushlineClient client(TestServer server, String apiKey) {
        return BrushlineClient.builder(server.url() + "/").apiKey(apiKey).sleeper(waits::add).build();
    }

    private static EditRequest edit() {
        return EditRequest.builder().image(new byte[] {1, 2, 3}, "photo.jpg").instruction("remove the dog").build();
    }

    @Test
    void submitSendsTheGatewaysFormFieldsAndHeaders() throws Exception {
        try (TestServer server = new TestServer().then(json(202,
                "{\"id\":\"" + ID + "\",\"status_url\":\"/v1/edits/" + ID + "\",\"created\":true}"))) {
            Submitted submitted = client(server, "secret-key").submit(EditRequest.builder()
                    .image(new byte[] {1, 2, 3}, "photo.jpg").instruction("remove the dog")
                    .webhookUrl("https://example.test/hook").box(1, 2, 30, 40).point(5, 6, true).point(7, 8, false)
                    .mask(new byte[] {9}).idempotencyKey("key-1").build());

            assertEquals(new Submitted(ID, "/v1/edits/" + ID, true), submitted);
            TestServer.Received request = server.received().get(0);
            assertEquals("POST", request.method());
            assertEquals("/v1/edits", request.path());
            assertEquals("Bearer secret-key", request.header("Authorization"));
            assertEquals("key-1", request.header("Idempotency-Key"));
            assertTrue(request.header("Content-Type").startsWith("multipart/form-data; boundary="));
            String body = request.bodyText();
            for (String part : List.of("name=\"image\"; filename=\"photo.jpg\"", "name=\"instruction\"",
                    "remove the dog", "name=\"webhook_url\"", "https://example.test/hook", "name=\"box\"", "1,2,30,40",
                    "name=\"points\"", "[[5,6],[7,8,0]]", "name=\"mask\"")) {
                assertTrue(body.contains(part), part + " in " + body);
            }
        }
    }

    @Test
    void theOutputFormatIsSentOnlyWhenOneIsChosen() throws Exception {
        try (TestServer server = new TestServer().then(json(202,
                "{\"id\":\"" + ID + "\",\"status_url\":\"/v1/edits/" + ID + "\",\"created\":true}"))) {
            BrushlineClient client = client(server, null);
            client.submit(EditRequest.builder().image(new byte[] {1, 2, 3}, "photo.png").instruction("sepia")
                    .outputFormat(EditRequest.OutputFormat.JPEG).build());
            client.submit(edit());

            String chosen = server.received().get(0).bodyText();
            assertTrue(chosen.contains("name=\"output_format\"\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                    + "\r\njpeg\r\n"), chosen);
            String unset = server.received().get(1).bodyText();
            assertFalse(unset.contains("output_format"), "none chosen, none sent (the gateway's auto): " + unset);
        }
    }

    @Test
    void aRefusedOutputFormatCarriesTheGatewaysMessage() throws Exception {
        try (TestServer server = new TestServer().then(error(400, "invalid_output_format",
                "output_format must be png, jpeg or auto, not 'gif'"))) {
            var e = assertThrows(BrushlineException.class, () -> client(server, null).submit(edit()));
            assertEquals("invalid_output_format", e.code());
            assertEquals(400, e.status());
            assertEquals("output_format must be png, jpeg or auto, not 'gif'", e.getMessage());
        }
    }

    @Test
    void theResultTypeSaysTheResultsFileEndingAndAMissingOneIsPng() throws Exception {
        try (TestServer server = new TestServer().then(json(200, Jobs.job(ID, "SUCCEEDED", "image/jpeg")),
                json(200, Jobs.job(ID, "SUCCEEDED", "image/png")), json(200, Jobs.job(ID, "SUCCEEDED")))) {
            BrushlineClient client = client(server, null);
            Job jpeg = client.status(ID);
            assertEquals("image/jpeg", jpeg.resultType());
            assertEquals(".jpg", jpeg.resultExtension());
            Job png = client.status(ID);
            assertEquals("image/png", png.resultType());
            assertEquals(".png", png.resultExtension());
            Job fromAnOlderGateway = client.status(ID);
            assertEquals("image/png", fromAnOlderGateway.resultType());
            assertEquals(".png", fromAnOlderGateway.resultExtension());
        }
    }

    @Test
    void statusReadsEveryFieldOfTheJobAndIgnoresNewOnes() throws Exception {
        try (TestServer server = new TestServer().then(json(200, Jobs.job(ID, "FAILED")))) {
            Job job = client(server, null).status(ID);
            assertEquals(JobState.FAILED, job.state());
            assertEquals(640, job.width());
            assertEquals("greyscale", job.operation().name());
            assertEquals(12L, job.stageMillis().get("classifier"));
            assertEquals("object_not_found", job.failure().code());
            assertTrue(job.transitions().containsKey(JobState.QUEUED));
            assertNull(job.resultUrl());
            assertNull(job.resultType(), "no result, no type");
            assertEquals("GET", server.received().get(0).method());
            assertEquals("/v1/edits/" + ID, server.received().get(0).path());
            assertNull(server.received().get(0).header("Authorization"), "no key, no header");
        }
    }

    @Test
    void cancelDeletesAndResultIsWrittenWhole(@TempDir Path dir) throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        try (TestServer server = new TestServer().then(json(200, Jobs.job(ID, "CANCELED")), TestServer.bytes(200, png))) {
            BrushlineClient client = client(server, null);
            assertEquals(JobState.CANCELED, client.cancel(ID).state());
            Path out = dir.resolve("sub/out.png");
            client.downloadResult(ID, out);
            assertArrayEquals(png, Files.readAllBytes(out));
            try (var files = Files.list(out.getParent())) {
                assertEquals(List.of(out), files.toList(), "no temporary file is left");
            }
            assertEquals("DELETE", server.received().get(0).method());
            assertEquals("/v1/edits/" + ID + "/result", server.received().get(1).path());
        }
    }

    @Test
    void connectionRefusedSaysSoInWords() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        BrushlineClient client = BrushlineClient.builder("http://127.0.0.1:" + port).build();
        var e = assertThrows(BrushlineException.ServerUnreachable.class, () -> client.status(ID));
        assertEquals("cannot connect to the Brushline server at http://127.0.0.1:" + port
                + ": connection refused (is it running, and is the address right?)", e.getMessage());
        assertWords(e.getMessage());
    }

    @Test
    void unauthorizedSaysWhetherAKeyWasGiven() throws Exception {
        try (TestServer server = new TestServer().then(error(401, "unauthorized", "a valid API key is required"))) {
            var withoutKey = assertThrows(BrushlineException.Unauthorized.class, () -> client(server, null).status(ID));
            assertTrue(withoutKey.getMessage().contains("needs an API key and none was given"), withoutKey.getMessage());
            var withKey = assertThrows(BrushlineException.Unauthorized.class, () -> client(server, "wrong").status(ID));
            assertTrue(withKey.getMessage().contains("does not accept this API key: a valid API key is required"),
                    withKey.getMessage());
            assertEquals(2, server.received().size(), "401 is not retried");
        }
    }

    @Test
    void tooLargeCarriesTheGatewaysReason() throws Exception {
        try (TestServer server = new TestServer().then(error(413, "image_too_large", "the image has 50000000 pixels,"
                + " more than the 40000000 allowed"))) {
            var e = assertThrows(BrushlineException.TooLarge.class, () -> client(server, null).submit(edit()));
            assertEquals("the image is too large for the server: the image has 50000000 pixels, more than the"
                    + " 40000000 allowed", e.getMessage());
            assertEquals("image_too_large", e.code());
            assertEquals(413, e.status());
        }
    }

    @Test
    void rateLimitedIsRetriedAfterTheWaitTheServerAsksFor() throws Exception {
        try (TestServer server = new TestServer().then(
                error(429, "rate_limited", "more than 5 submissions per minute; retry after 7 s", "Retry-After", "7"),
                error(429, "rate_limited", "more than 5 submissions per minute; retry after 2 s", "Retry-After", "2"),
                json(202, "{\"id\":\"" + ID + "\",\"status_url\":\"/v1/edits/" + ID + "\",\"created\":true}"))) {
            assertEquals(ID, client(server, null).submit(edit()).id());
            assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(2)), waits);
            assertEquals(3, server.received().size());
        }
    }

    @Test
    void rateLimitedGivesUpAfterTheBoundedRetries() throws Exception {
        try (TestServer server = new TestServer().then(
                error(429, "rate_limited", "more than 5 reads per minute; retry after 1 s", "Retry-After", "1"))) {
            var e = assertThrows(BrushlineException.RateLimited.class, () -> client(server, null).status(ID));
            assertEquals(4, server.received().size(), "the first try and 3 retries");
            assertEquals(3, waits.size());
            assertEquals(1, e.retryAfterSeconds());
            assertEquals("the server is limiting requests and still was after 3 retries: more than 5 reads per"
                    + " minute; retry after 1 s", e.getMessage());
        }
    }

    @Test
    void aRetryAfterLongerThanTheLongestWaitFailsAtOnce() throws Exception {
        try (TestServer server = new TestServer().then(
                error(429, "rate_limited", "more than 5 reads per minute; retry after 600 s", "Retry-After", "600"))) {
            BrushlineClient client = BrushlineClient.builder(server.url()).sleeper(waits::add)
                    .maxRetryWait(Duration.ofSeconds(30)).build();
            var e = assertThrows(BrushlineException.RateLimited.class, () -> client.status(ID));
            assertEquals(1, server.received().size());
            assertTrue(waits.isEmpty());
            assertEquals(600, e.retryAfterSeconds());
        }
    }

    @Test
    void unavailableIsRetriedWithBackoffThenExplained() throws Exception {
        try (TestServer server = new TestServer().then(error(503, "queue_unavailable",
                "the job queue is unreachable right now; the edit was not accepted, retry later"))) {
            var e = assertThrows(BrushlineException.Unavailable.class,
                    () -> BrushlineClient.builder(server.url()).sleeper(waits::add).maxRetries(2).build().submit(edit()));
            assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), waits);
            assertEquals("the server is temporarily unavailable (still after 2 retries): the job queue is unreachable"
                    + " right now; the edit was not accepted, retry later", e.getMessage());
        }
    }

    @Test
    void anyOtherRefusalCarriesTheGatewaysCodeAndMessage() throws Exception {
        try (TestServer server = new TestServer().then(error(409, "not_ready",
                "the result of job " + ID + " is not available; the job is PAINTING"),
                TestServer.bytes(500, "<html>proxy error</html>".getBytes()))) {
            var notReady = assertThrows(BrushlineException.class, () -> client(server, null).result(ID));
            assertEquals("not_ready", notReady.code());
            assertEquals(409, notReady.status());
            assertEquals("the result of job " + ID + " is not available; the job is PAINTING", notReady.getMessage());
            var notJson = assertThrows(BrushlineException.class, () -> client(server, null).status(ID));
            assertEquals("the server answered HTTP 500 while reading the status of job " + ID, notJson.getMessage());
        }
    }

    @Test
    void anAnswerThatIsNotAJobIsExplainedWithoutJavaNames() throws Exception {
        try (TestServer server = new TestServer().then(json(200, "{\"id\":\"x\",\"state\":\"DANCING\"}"))) {
            var e = assertThrows(BrushlineException.class, () -> client(server, null).status(ID));
            assertTrue(e.getMessage().contains("at field state"), e.getMessage());
            assertWords(e.getMessage());
        }
    }

    @Test
    void aJobIdIsCheckedBeforeItIsPutInAPath() {
        BrushlineClient client = BrushlineClient.builder("http://127.0.0.1:1").build();
        var e = assertThrows(IllegalArgumentException.class, () -> client.status("../../q/openapi"));
        assertEquals("\"../../q/openapi\" is not a job id", e.getMessage());
    }

    @Test
    void aServerAddressWithoutSchemeIsRefusedInWords() {
        var e = assertThrows(IllegalArgumentException.class, () -> BrushlineClient.builder("localhost:8080"));
        assertEquals("the server address must start with http:// or https://, not \"localhost:8080\"", e.getMessage());
    }

    @Test
    void noSuchJobIsNotFound() throws Exception {
        try (TestServer server = new TestServer().then(error(404, "not_found", "no edit job with id " + ID))) {
            var e = assertThrows(BrushlineException.NotFound.class, () -> client(server, null).status(ID));
            assertEquals("no edit job with id " + ID, e.getMessage());
            assertFalse(e.getMessage().contains("Exception"));
        }
    }

    /** A message in words: no Java class name, no stack trace. */
    static void assertWords(String message) {
        assertFalse(message.matches("(?s).*\\b[a-z]+\\.[a-z]+(\\.[a-z]+)*\\.[A-Z]\\w*.*"), message);
        assertFalse(message.contains("Exception"), message);
        assertFalse(message.contains("\tat "), message);
    }
}
