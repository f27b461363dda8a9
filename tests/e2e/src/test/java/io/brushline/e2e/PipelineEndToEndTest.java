package io.brushline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.state.DatasetStore;
import io.brushline.localstack.LocalStack;
import io.brushline.localstack.MultipartForm;
import io.brushline.localstack.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/**
 * The whole system on real servers: Kafka, Redis and the S3 server started by the project's
 * launcher, the six services as separate processes, edits submitted over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {

    private static final String WEBHOOK_SECRET = "whsec_ZTJlLXRlc3Qtd2ViaG9vay1zZWNyZXQtMTIzNDU2";
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACME_KEY = "acme-e2e-key";
    private static final String GLOBEX_KEY = "globex-e2e-key";
    private static final int SUBMISSIONS_PER_MINUTE = 100;

    /** One submitted edit and what it must end as: SUCCEEDED, or FAILED with this code. */
    record Case(String image, String instruction, String box, String maskFile, String expectedFailure,
            String webhookPath, String outputFormat) {

        static Case succeeds(String image, String instruction) {
            return new Case(image, instruction, null, null, null, "/hooks", null);
        }

        static Case fails(String image, String instruction, String code) {
            return new Case(image, instruction, null, null, code, "/hooks", null);
        }

        Case withBox(String value) {
            return new Case(image, instruction, value, maskFile, expectedFailure, webhookPath, outputFormat);
        }

        Case withMask(String value) {
            return new Case(image, instruction, box, value, expectedFailure, webhookPath, outputFormat);
        }

        Case withWebhookPath(String value) {
            return new Case(image, instruction, box, maskFile, expectedFailure, value, outputFormat);
        }

        Case withOutputFormat(String value) {
            return new Case(image, instruction, box, maskFile, expectedFailure, webhookPath, value);
        }

        /** What the result must be: asked for, or by default JPEG for a JPEG photo and PNG for any other. */
        String expectedResultType() {
            boolean jpeg = outputFormat == null ? image.endsWith(".jpg") : outputFormat.equals("jpeg");
            return jpeg ? "image/jpeg" : "image/png";
        }
    }

    private static final List<Case> CASES = List.of(
            Case.succeeds("gsam_demo2_dog.jpg", "remove the dog"),
            Case.succeeds("sam_dog.jpg", "Please get rid of the puppy"),
            Case.succeeds("iopaint_dog_on_bench.jpg", "erase the dog from the photo"),
            Case.succeeds("sam_truck.jpg", "remove the truck").withWebhookPath("/flaky/2/"),
            Case.succeeds("inpaint_anything_cat.jpg", "delete the cat"),
            Case.succeeds("iopaint_person.png", "remove the person"),
            Case.succeeds("inpaint_anything_boat.jpg", "remove the boat"),
            Case.succeeds("gdino_cat_dog.jpg", "remove the cat"),
            Case.succeeds("samhq_example6_whale.jpg", "remove this").withBox("181,196,757,495"),
            Case.succeeds("brushnet_cake.jpg", "remove it").withMask("brushnet_cake__cake.png"),
            Case.succeeds("iopaint_person.png", "remove the person").withMask("iopaint_person__person.png"),
            Case.succeeds("samhq_example1_butterfly.jpg", "remove the butterfly").withBox("306,132,925,893"),
            Case.succeeds("sam_dog.jpg", "remove the dog").withOutputFormat("png"),
            Case.fails("samhq_example6_whale.jpg", "remove the whale", "unknown_object_class"),
            Case.fails("sam_dog.jpg", "remove the giraffe", "object_not_found"),
            Case.succeeds("gsam_demo2_dog.jpg", "make the dog red"),
            Case.fails("inpaint_anything_boat.jpg", "make it look like winter", "no_painter_configured"),
            Case.fails("iopaint_person.png", "change the background to a beach", "no_painter_configured"),
            Case.fails("sam_groceries.jpg", "add a hot air balloon in the sky", "no_painter_configured"),
            Case.fails("samhq_example4_bench.jpg", "turn it into a van gogh painting", "no_painter_configured"),
            Case.fails("samhq_example7_bed.jpg", "replace the bed with a sofa", "no_painter_configured"));

    private Path shared;
    private LocalStack stack;
    private WebhookReceiver webhooks;
    private Api api;
    private final Map<String, Case> jobs = new LinkedHashMap<>();
    private final Map<String, JsonNode> finalStatus = new HashMap<>();

    @BeforeAll
    void startSystemAndRunJobs() throws Exception {
        shared = Path.of(System.getProperty("brushline.shared.dir", "../shared")).toAbsolutePath().normalize();
        boolean present = Files.isDirectory(shared.resolve("data/images"));
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(present, "shared data missing at " + shared + " (CI=true requires ../shared)");
        }
        assumeTrue(present, "shared data missing at " + shared);
        ImageCodec.init();
        Path root = Path.of(System.getProperty("brushline.root", "../.."));
        Path data = root.resolve("tests/e2e/target/e2e-stack");
        deleteRecursively(data);
        webhooks = new WebhookReceiver(WEBHOOK_SECRET);
        stack = new LocalStack(root, data, LocalStack.freePorts(), 4).startInfrastructure();
        // Models come from object storage, as in a deployment: the services fetch, cache and verify them.
        Path bucketModels = Files.createDirectories(data.resolve("s3").resolve(LocalStack.BUCKET).resolve("models"));
        for (String model : List.of("yolox_nano.onnx", "deeplabv3_mobilenetv2_voc.onnx")) {
            Path source = shared.resolve("models").resolve(model);
            Files.copy(source, bucketModels.resolve(model));
            Files.writeString(bucketModels.resolve(model + ".sha256"), sha256(Files.readAllBytes(source)) + "  " + model);
        }
        stack.startServices(Map.of(
                "BRUSHLINE_MODELS_DIR", data.resolve("model-cache").toString(),
                "BRUSHLINE_MODELS_FETCH_FROM_STORAGE", "true",
                "BRUSHLINE_WEBHOOK_SECRET", WEBHOOK_SECRET,
                "BRUSHLINE_WEBHOOK_INITIAL_BACKOFF", "PT0.2S",
                "BRUSHLINE_OUTBOUND_ALLOWED_HOSTS", webhooks.hostAndPort(),
                "BRUSHLINE_GATEWAY_API_KEYS_ACME", sha256(ACME_KEY),
                "BRUSHLINE_GATEWAY_API_KEYS_GLOBEX", sha256(GLOBEX_KEY),
                "BRUSHLINE_GATEWAY_SUBMISSIONS_PER_MINUTE", String.valueOf(SUBMISSIONS_PER_MINUTE)));
        api = new Api(stack.gatewayUrl(), ACME_KEY);

        long started = System.nanoTime();
        String first = submit(CASES.get(0), null);
        awaitTerminal(first);
        long singleRemoveMillis = (System.nanoTime() - started) / 1_000_000;

        started = System.nanoTime();
        for (Case c : CASES.subList(1, CASES.size())) {
            submit(c, null);
        }
        for (String id : jobs.keySet()) {
            awaitTerminal(id);
        }
        long allJobsMillis = (System.nanoTime() - started) / 1_000_000;

        started = System.nanoTime();
        awaitTerminal(submit(CASES.get(0), null));
        long warmRemoveMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("E2E figures: single REMOVE job end to end %d ms on a cold system, %d ms warm "
                + "(2048x1365 photo, YOLOX detection, refined mask, classical fill); %d further jobs in %d ms%n",
                singleRemoveMillis, warmRemoveMillis, CASES.size() - 1, allJobsMillis);
    }

    @AfterAll
    void stopSystem() {
        if (stack != null) {
            stack.close();
        }
        if (webhooks != null) {
            webhooks.close();
        }
    }

    @Test
    @Order(1)
    void everyJobEndsAsExpectedWithAReason() {
        for (var entry : jobs.entrySet()) {
            JsonNode status = finalStatus.get(entry.getKey());
            Case c = entry.getValue();
            String label = c.instruction() + " on " + c.image() + ": " + status;
            if (c.expectedFailure() == null) {
                assertEquals("SUCCEEDED", status.path("state").asText(), label);
                assertTrue(status.has("result_url"), label);
            } else {
                assertEquals("FAILED", status.path("state").asText(), label);
                assertEquals(c.expectedFailure(), status.path("failure").path("code").asText(), label);
                assertFalse(status.path("failure").path("reason").asText().isBlank(), label);
            }
            assertTrue(status.path("transitions").has("QUEUED"), label);
            assertTrue(status.has("category"), label);
        }
    }

    @Test
    @Order(2)
    void removalKeepsEveryPixelOutsideTheMask() throws Exception {
        for (var entry : jobs.entrySet()) {
            if (entry.getValue().expectedFailure() != null) {
                continue;
            }
            String id = entry.getKey();
            Mat source = ImageCodec.decodeColor(Files.readAllBytes(shared.resolve("data/images")
                    .resolve(entry.getValue().image())), "source");
            var resultReply = api.get("/v1/edits/" + id + "/result");
            var maskReply = api.get("/v1/edits/" + id + "/mask");
            assertEquals(200, resultReply.status(), id);
            assertEquals(200, maskReply.status(), id);
            String resultType = entry.getValue().expectedResultType();
            assertEquals(resultType, resultReply.headers().firstValue("content-type").orElse(""), id);
            assertEquals(resultType, finalStatus.get(id).path("result_type").asText(), id);
            Mat result = ImageCodec.decodeColor(resultReply.body(), "result");
            Mat mask = ImageCodec.decodeMask(maskReply.body(), "mask");
            assertEquals(source.size(), result.size(), "result must keep the source size");
            assertEquals(source.size(), mask.size(), "mask must be at source size");

            Mat diff = new Mat();
            Core.absdiff(source, result, diff);
            Mat inside = diff.clone();
            double outsideError = meanErrorOutside(diff, mask);
            if (resultType.equals("image/png")) {
                assertEquals(0.0, outsideError, "pixels outside the mask changed for " + entry.getValue());
            } else {
                // no more than saving the untouched photo as JPEG at the same quality changes it (the
                // 8x8 blocks astride the mask's edge add a little)
                Mat resaved = ImageCodec.decodeColor(ImageCodec.encodeJpeg(source), "resaved source");
                Mat resaveDiff = new Mat();
                Core.absdiff(source, resaved, resaveDiff);
                double jpegError = meanErrorOutside(resaveDiff, mask);
                assertTrue(outsideError <= 1.2 * jpegError + 0.1, "mean error outside the mask " + outsideError
                        + ", resaving the photo " + jpegError + ", for " + entry.getValue());
            }
            Mat notMask = new Mat();
            Core.bitwise_not(mask, notMask);
            inside.setTo(new Scalar(0, 0, 0), notMask);
            Scalar changed = Core.sumElems(inside);
            assertTrue(changed.val[0] + changed.val[1] + changed.val[2] > 0,
                    "nothing was painted inside the mask for " + entry.getValue());
        }
    }

    @Test
    @Order(3)
    void everyJobsWebhookArrivesSignedAndOnce() {
        // Deliveries run after the job ends: wait for each to be recorded before counting attempts.
        jobs.keySet().forEach(id -> assertEquals("delivered", finalWebhookStatus(id), jobs.get(id).toString()));
        var received = webhooks.received();
        assertTrue(received.stream().allMatch(WebhookReceiver.Received::signatureValid),
                "every delivery carries a valid Standard Webhooks signature");
        for (var entry : jobs.entrySet()) {
            String webhookId = "msg_" + entry.getKey();
            var attempts = received.stream().filter(r -> webhookId.equals(r.webhookId())).toList();
            assertFalse(attempts.isEmpty(), "no webhook for " + entry.getValue());
            int expectedAttempts = entry.getValue().webhookPath().startsWith("/flaky/2/") ? 3 : 1;
            assertEquals(expectedAttempts, attempts.size(), "attempts for " + entry.getValue());
        }
    }

    @Test
    @Order(4)
    void everyMessageOnEveryTopicMatchesItsSchema() throws Exception {
        var factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        Path schemas = Path.of(System.getProperty("brushline.schemas.dir"));
        Map<String, List<ConsumerRecord<String, String>>> byTopic = readAllTopics();
        int checked = 0;
        for (String topic : List.of("edit-requested", "edit-classified", "edit-grounded", "edit-masked",
                "edit-masked-cpu", "edit-masked-bulk", "edit-completed", "edit-failed")) {
            JsonSchema schema = factory.getSchema(SchemaLocation.of(schemas.resolve(topic + ".json").toUri().toString()));
            for (var record : byTopic.getOrDefault(topic, List.of())) {
                var errors = schema.validate(JSON.readTree(record.value()));
                assertTrue(errors.isEmpty(), topic + " message " + record.value() + " violates its schema: " + errors);
                JsonNode value = JSON.readTree(record.value());
                assertEquals(value.path("jobId").asText(), record.key(), "record key = job id");
                checked++;
            }
        }
        long successes = jobs.values().stream().filter(c -> c.expectedFailure() == null).count();
        assertTrue(byTopic.getOrDefault("edit-completed", List.of()).size() >= successes);
        assertTrue(checked >= jobs.size() * 2, "checked " + checked + " messages");
    }

    @Test
    @Order(5)
    void sameIdempotencyKeyReturnsTheSameJob() throws Exception {
        Case c = CASES.get(0);
        var firstReply = api.submit(form(c), "retry-key-1");
        var secondReply = api.submit(form(c), "retry-key-1");
        assertEquals(202, firstReply.status());
        assertEquals(200, secondReply.status());
        assertEquals(firstReply.json().path("id").asText(), secondReply.json().path("id").asText());
        assertFalse(secondReply.json().path("created").asBoolean());
        awaitTerminal(firstReply.json().path("id").asText());
    }

    @Test
    @Order(6)
    void redeliveredMessagesProduceNoSecondResultOrWebhook() throws Exception {
        String id = jobs.keySet().iterator().next();
        Map<String, List<ConsumerRecord<String, String>>> byTopic = readAllTopics();
        // The result URL never changes; what a second painting would change is the image and the transitions.
        String resultBefore = sha256(api.get("/v1/edits/" + id + "/result").body());
        JsonNode transitionsBefore = api.get("/v1/edits/" + id).json().path("transitions");
        try (var producer = producer()) {
            for (String topic : List.of("edit-masked", "edit-completed")) {
                var original = byTopic.get(topic).stream().filter(r -> id.equals(r.key())).findFirst().orElseThrow();
                producer.send(new ProducerRecord<>(topic, original.key(), original.value())).get();
            }
        }
        Thread.sleep(3000);
        JsonNode after = api.get("/v1/edits/" + id).json();
        assertEquals("SUCCEEDED", after.path("state").asText());
        assertEquals(resultBefore, sha256(api.get("/v1/edits/" + id + "/result").body()), "the result is unchanged");
        assertEquals(transitionsBefore, after.path("transitions"), "the job did not move again");
        assertEquals(1, webhooks.received().stream().filter(r -> ("msg_" + id).equals(r.webhookId())).count(),
                "a redelivered completion must not send a second webhook");
        assertEquals(1, readAllTopics().get("edit-completed").stream().filter(r -> id.equals(r.key())).count() - 1,
                "only the test's own re-sent completion is extra; the painter did not run again");
    }

    @Test
    @Order(7)
    void corruptUploadsAreRefusedWithAClearMessage() throws Exception {
        var garbage = api.submit(new MultipartForm().field("instruction", "remove the dog")
                .file("image", "this is not an image".getBytes()), null);
        assertEquals(400, garbage.status());
        assertEquals("invalid_image", garbage.json().path("error").asText());
        assertTrue(garbage.json().path("message").asText().contains("not an image"));

        byte[] jpeg = Files.readAllBytes(shared.resolve("data/images/sam_dog.jpg"));
        byte[] truncated = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
        var cut = api.submit(new MultipartForm().field("instruction", "remove the dog").file("image", truncated), null);
        assertEquals(400, cut.status());
        assertTrue(cut.json().path("message").asText().contains("damaged or truncated"), cut.json().toString());

        var noInstruction = api.submit(new MultipartForm().field("instruction", "  ").file("image", jpeg), null);
        assertEquals(400, noInstruction.status());
        assertEquals("invalid_instruction", noInstruction.json().path("error").asText());

        var badBox = api.submit(new MultipartForm().field("instruction", "remove this").field("box", "10,10,5000,20")
                .file("image", jpeg), null);
        assertEquals(400, badBox.status());
        assertEquals("invalid_hint", badBox.json().path("error").asText());

        var badFormat = api.submit(new MultipartForm().field("instruction", "remove the dog")
                .field("output_format", "gif").file("image", jpeg), null);
        assertEquals(400, badFormat.status());
        assertEquals("invalid_output_format", badFormat.json().path("error").asText());
        assertEquals("output_format must be png, jpeg or auto, not 'gif'", badFormat.json().path("message").asText());
    }

    @Test
    @Order(17)
    void modelsWereFetchedFromObjectStorageAndCached() {
        Path cache = stack.dataDir().resolve("model-cache");
        assertTrue(Files.isRegularFile(cache.resolve("yolox_nano.onnx")), "detector cached from storage");
        assertTrue(Files.isRegularFile(cache.resolve("deeplabv3_mobilenetv2_voc.onnx")), "segmenter cached");
        assertTrue(Files.isRegularFile(cache.resolve("yolox_nano.onnx.sha256")), "checksum fetched with it");
    }

    @Test
    @Order(8)
    void unknownJobIsA404() throws Exception {
        var reply = api.get("/v1/edits/no-such-job");
        assertEquals(404, reply.status());
        assertEquals("not_found", reply.json().path("error").asText());
    }

    @Test
    @Order(9)
    void openApiDescribesTheEditsApi() throws Exception {
        var reply = api.get("/q/openapi?format=json");
        assertEquals(200, reply.status());
        assertTrue(reply.json().path("paths").has("/v1/edits"));
        assertTrue(reply.json().path("paths").has("/v1/edits/{id}/result"));
    }

    @Test
    @Order(10)
    void progressStreamFollowsTheJobToItsEnd() throws Exception {
        String id = submit(CASES.get(1), null);
        List<String> states = api.events("/v1/edits/" + id + "/events").stream()
                .map(event -> event.path("state").asText())
                .toList();
        assertFalse(states.isEmpty());
        assertEquals("SUCCEEDED", states.get(states.size() - 1), "stream ends with the final state: " + states);
        List<String> order = List.of("QUEUED", "CLASSIFYING", "GROUNDING", "MASKING", "PAINTING", "SUCCEEDED");
        for (int i = 1; i < states.size(); i++) {
            assertTrue(order.indexOf(states.get(i - 1)) <= order.indexOf(states.get(i)), "states move forward: " + states);
        }
    }

    @Test
    @Order(11)
    void anotherTenantCannotSeeTheJobOrItsResult() throws Exception {
        String id = jobs.keySet().iterator().next();
        var globex = new Api(stack.gatewayUrl(), GLOBEX_KEY);
        assertEquals(404, globex.get("/v1/edits/" + id).status());
        assertEquals(404, globex.get("/v1/edits/" + id + "/result").status());
        assertEquals(404, globex.get("/v1/edits/" + id + "/mask").status());
        assertEquals(200, api.get("/v1/edits/" + id + "/result").status());

        var anonymous = new Api(stack.gatewayUrl(), null);
        var refused = anonymous.get("/v1/edits/" + id);
        assertEquals(401, refused.status());
        assertEquals("unauthenticated", refused.json().path("error").asText());
        assertEquals(401, new Api(stack.gatewayUrl(), "not-a-key").get("/v1/edits/" + id).status());
    }

    @Test
    @Order(12)
    void aTenantOverItsRateIsToldWhenToRetry() throws Exception {
        var globex = new Api(stack.gatewayUrl(), GLOBEX_KEY);
        var tooMany = (Api.Reply) null;
        // Refused submissions count too: the limit protects the gateway, not only the pipeline. Twice the
        // limit is enough even if a minute window ends during the loop.
        for (int i = 0; i <= 2 * SUBMISSIONS_PER_MINUTE && tooMany == null; i++) {
            var reply = globex.submit(new MultipartForm().field("instruction", "x").file("image", new byte[] {1}), null);
            if (reply.status() == 429) {
                tooMany = reply;
            }
        }
        assertNotNull(tooMany, "no 429 after " + SUBMISSIONS_PER_MINUTE + " submissions");
        assertEquals("rate_limited", tooMany.json().path("error").asText());
        long retryAfter = Long.parseLong(tooMany.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        // the other tenant's submissions are not affected: its (invalid) submission reaches validation
        var otherTenant = api.submit(new MultipartForm().field("instruction", "x").file("image", new byte[] {1}), null);
        assertEquals(400, otherTenant.status(), new String(otherTenant.body()));
        assertEquals("invalid_image", otherTenant.json().path("error").asText());
    }

    @Test
    @Order(13)
    void poisonRecordsAreParkedWithAReasonAndConsumptionGoesOn() throws Exception {
        String finishedJob = jobs.keySet().iterator().next();
        String sample = readAllTopics().get("edit-requested").stream()
                .filter(r -> finishedJob.equals(r.key())).findFirst().orElseThrow().value();
        String otherVersion = sample.replace("\"schemaVersion\":1", "\"schemaVersion\":99");
        String unknownJob = sample.replace(finishedJob, "00000000-0000-0000-0000-000000000000");
        List<String> topics = List.of("edit-requested", "edit-classified", "edit-grounded", "edit-masked",
                "edit-masked-cpu", "edit-masked-bulk", "edit-completed", "edit-failed");
        try (var producer = producer()) {
            for (String topic : topics) {
                producer.send(new ProducerRecord<>(topic, "poison", "{not json")).get();
                producer.send(new ProducerRecord<>(topic, finishedJob, otherVersion)).get();
                producer.send(new ProducerRecord<>(topic, "unknown", unknownJob)).get();
            }
        }
        // the pipeline still works after the poison
        String id = submit(CASES.get(1), null);
        awaitTerminal(id);
        assertEquals("SUCCEEDED", finalStatus.get(id).path("state").asText());

        var parked = readAllTopics().getOrDefault("edit-dead-letter", List.of());
        for (String topic : topics) {
            var fromTopic = parked.stream().filter(r -> topic.equals(header(r, "dead-letter-topic"))).toList();
            assertTrue(fromTopic.stream().anyMatch(r -> header(r, "dead-letter-reason").startsWith("not JSON")),
                    "invalid JSON from " + topic + " parked");
            assertTrue(fromTopic.stream().anyMatch(r -> header(r, "dead-letter-reason").contains("schema version 99")),
                    "wrong schema version from " + topic + " parked");
            assertTrue(fromTopic.stream().anyMatch(r -> header(r, "dead-letter-reason").contains("no job with id")),
                    "unknown job from " + topic + " parked");
        }
        // a finished job stays as it ended
        assertEquals("SUCCEEDED", api.get("/v1/edits/" + finishedJob).json().path("state").asText());
    }

    @Test
    @Order(14)
    void unusualImagesGoThroughThePipelineUpright() throws Exception {
        Path corpus = Path.of(System.getProperty("brushline.root", "../.."))
                .resolve("services/gateway/src/test/resources/hostile");
        Map<String, int[]> expectedSize = Map.of(
                "cmyk.jpg", new int[] {64, 48},
                "gray16.png", new int[] {64, 48},
                "gray.jpg", new int[] {64, 48},
                "alpha.png", new int[] {64, 48},
                "valid.webp", new int[] {64, 48},
                "exif-rotated-90.jpg", new int[] {48, 64});
        Map<String, String> ids = new LinkedHashMap<>();
        for (String file : expectedSize.keySet()) {
            var reply = api.submit(new MultipartForm().field("instruction", "remove this").field("box", "4,4,30,30")
                    .file("image", Files.readAllBytes(corpus.resolve(file))), null);
            assertEquals(202, reply.status(), file + ": " + reply.json());
            ids.put(file, reply.json().path("id").asText());
        }
        for (var entry : ids.entrySet()) {
            awaitTerminal(entry.getValue());
            JsonNode status = finalStatus.get(entry.getValue());
            assertEquals("SUCCEEDED", status.path("state").asText(), entry.getKey() + ": " + status);
            Mat result = ImageCodec.decodeColor(api.get("/v1/edits/" + entry.getValue() + "/result").body(), "result");
            int[] size = expectedSize.get(entry.getKey());
            assertEquals(size[0], result.cols(), entry.getKey() + " width");
            assertEquals(size[1], result.rows(), entry.getKey() + " height");
        }
    }

    @Test
    @Order(15)
    void internalAndNonHttpUrlsAreRefusedAndAnAllowedImageUrlWorks() throws Exception {
        byte[] jpeg = Files.readAllBytes(shared.resolve("data/images/sam_dog.jpg"));
        for (String url : List.of("http://127.0.0.1:1/hook", "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.7/hook", "file:///etc/passwd", "gopher://example.com/")) {
            var reply = api.submit(new MultipartForm().field("instruction", "remove the dog")
                    .field("webhook_url", url).file("image", jpeg), null);
            assertEquals(400, reply.status(), url);
            assertEquals("invalid_webhook_url", reply.json().path("error").asText(), url);
            var fetch = api.submit(new MultipartForm().field("instruction", "remove the dog")
                    .field("image_url", url), null);
            assertEquals(400, fetch.status(), url);
            assertEquals("invalid_image_url", fetch.json().path("error").asText(), url);
        }
        webhooks.serve("/images/dog.jpg", jpeg);
        var fromUrl = api.submit(new MultipartForm().field("instruction", "remove this").field("box", "100,300,300,500")
                .field("image_url", webhooks.url("/images/dog.jpg")), null);
        assertEquals(202, fromUrl.status(), String.valueOf(fromUrl.json()));
        String id = fromUrl.json().path("id").asText();
        awaitTerminal(id);
        assertEquals("SUCCEEDED", finalStatus.get(id).path("state").asText());
        assertEquals(800, finalStatus.get(id).path("width").asInt());
    }

    @Test
    @Order(16)
    void hostileInstructionsEndInA4xxOrAReason() throws Exception {
        byte[] jpeg = Files.readAllBytes(shared.resolve("data/images/sam_dog.jpg"));
        var huge = api.submit(new MultipartForm().field("instruction", "a".repeat(100_000)).file("image", jpeg), null);
        assertEquals(400, huge.status());
        assertTrue(huge.json().path("message").asText().contains("limit"));

        var control = api.submit(new MultipartForm().field("instruction", "remove\u0000 the\u0007 dog\u001b[31m")
                .field("box", "100,300,300,500").file("image", jpeg), null);
        assertEquals(202, control.status());
        String controlId = control.json().path("id").asText();
        awaitTerminal(controlId);
        assertFalse(finalStatus.get(controlId).path("instruction").asText().chars().anyMatch(Character::isISOControl));

        // The offline engines read English: an instruction in another language or script is refused
        // with a reason that says so, before any model runs.
        for (String foreign : List.of("entferne den Hund", "supprime le chien", "把狗去掉", "удалите собаку")) {
            var reply = api.submit(new MultipartForm().field("instruction", foreign).file("image", jpeg), null);
            assertEquals(202, reply.status(), foreign);
            String id = reply.json().path("id").asText();
            awaitTerminal(id);
            JsonNode status = finalStatus.get(id);
            assertEquals("FAILED", status.path("state").asText(), foreign + ": " + status);
            assertEquals("invalid_instruction", status.path("failure").path("code").asText(), foreign + ": " + status);
            String reason = status.path("failure").path("reason").asText();
            assertTrue(reason.endsWith("only English instructions are understood"), foreign + " says why: " + status);
        }
    }

    /**
     * Five shared photos as one batch of uploads: every item runs as an ordinary job, and one signed
     * batch.completed webhook arrives once all have ended, with the manifest linked from the batch.
     * Then a JSON manifest whose second image_url answers no image: that item fails alone, through
     * edit-failed, and the batch still completes with one webhook.
     */
    @Test
    @Order(20)
    void aBatchOfPhotosEndsWithOneSignedBatchWebhookAndAManifest() throws Exception {
        webhooks.serve("/images/bench.jpg", Files.readAllBytes(shared.resolve("data/images/samhq_example4_bench.jpg")));
        var mixedBatch = api.postJson("/v1/batches", """
                {"instruction": "sepia", "webhook_url": "%s", "items": [
                  {"image_url": "%s", "metadata": {"sku": "B-1"}},
                  {"image_url": "%s"}]}""".formatted(webhooks.url("/batch-hooks"), webhooks.url("/images/bench.jpg"),
                webhooks.url("/images/nothing-here.jpg")), null);
        assertEquals(202, mixedBatch.status(), String.valueOf(mixedBatch.json()));
        JsonNode mixed = awaitBatchWebhook(mixedBatch.json().path("id").asText());
        assertEquals(1, mixed.path("data").path("counts").path("SUCCEEDED").asInt(), mixed.toString());
        assertEquals(1, mixed.path("data").path("counts").path("FAILED").asInt(), mixed.toString());
        JsonNode mixedItems = api.get("/v1/batches/" + mixedBatch.json().path("id").asText()).json().path("items");
        assertEquals("B-1", mixedItems.get(0).path("metadata").path("sku").asText(), mixedItems.toString());
        assertEquals("invalid_image", mixedItems.get(1).path("failure").path("code").asText(), mixedItems.toString());
        assertTrue(mixedItems.get(1).path("failure").path("reason").asText().contains("empty"), mixedItems.toString());

        var form = new MultipartForm().field("instruction", "make it black and white")
                .field("webhook_url", webhooks.url("/batch-hooks"));
        for (String photo : List.of("sam_dog.jpg", "sam_truck.jpg", "gsam_demo2_dog.jpg", "samhq_example4_bench.jpg",
                "inpaint_anything_cat.jpg")) {
            form.file("image", Files.readAllBytes(shared.resolve("data/images").resolve(photo)));
        }
        var accepted = api.post("/v1/batches", form, "batch-e2e-1");
        assertEquals(202, accepted.status(), String.valueOf(accepted.json()));
        String batchId = accepted.json().path("id").asText();
        assertEquals(5, accepted.json().path("total").asInt());
        var again = api.post("/v1/batches", form, "batch-e2e-1");
        assertEquals(200, again.status(), String.valueOf(again.json()));
        assertEquals(batchId, again.json().path("id").asText());

        JsonNode event = awaitBatchWebhook(batchId);
        assertEquals(5, event.path("data").path("counts").path("SUCCEEDED").asInt(), event.toString());

        JsonNode batch = api.get("/v1/batches/" + batchId + "?page_size=3").json();
        assertEquals("completed", batch.path("state").asText(), batch.toString());
        assertEquals(3, batch.path("items").size(), batch.toString());
        assertTrue(batch.path("items").get(0).has("result_url"), batch.toString());
        JsonNode rest = api.get("/v1/batches/" + batchId + "?page_token="
                + batch.path("next_page_token").asText()).json();
        assertEquals(List.of(3, 4), List.of(rest.path("items").get(0).path("index").asInt(),
                rest.path("items").get(1).path("index").asInt()), rest.toString());
        var manifest = api.get(batch.path("manifest_url").asText());
        assertEquals(200, manifest.status());
        String[] lines = new String(manifest.body(), java.nio.charset.StandardCharsets.UTF_8).split("\n");
        assertEquals(5, lines.length);
        for (String line : lines) {
            JsonNode item = JSON.readTree(line);
            assertEquals("SUCCEEDED", item.path("state").asText(), line);
            // item_webhooks was not asked for: no job webhook for the items
            String itemHook = "msg_" + item.path("job_id").asText();
            assertTrue(webhooks.received().stream().noneMatch(r -> itemHook.equals(r.webhookId())), line);
        }
    }

    /** Waits up to 60 s for the batch's webhook; exactly one must come, validly signed. Returns its body. */
    private JsonNode awaitBatchWebhook(String batchId) throws Exception {
        JsonNode event = awaitOneWebhook("msg_batch_" + batchId, "batch-webhook-event.json",
                () -> String.valueOf(api.get("/v1/batches/" + batchId).json()));
        assertEquals("batch.completed", event.path("type").asText(), event.toString());
        return event;
    }

    /**
     * Waits up to 90 s for the webhook with this id; exactly one must come, validly signed and matching
     * the schema. Returns its body.
     */
    private JsonNode awaitOneWebhook(String webhookId, String schemaFile, java.util.concurrent.Callable<String> state)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (webhooks.received().stream().noneMatch(r -> webhookId.equals(r.webhookId()))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(500);
        var hooks = webhooks.received().stream().filter(r -> webhookId.equals(r.webhookId())).toList();
        assertEquals(1, hooks.size(), "webhooks " + webhookId + " received; now " + state.call());
        assertTrue(hooks.get(0).signatureValid());
        JsonNode event = JSON.readTree(hooks.get(0).body());
        var errors = schema(schemaFile).validate(event);
        assertTrue(errors.isEmpty(), "webhook " + event + " violates " + schemaFile + ": " + errors);
        return event;
    }

    private static JsonSchema schema(String file) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SchemaLocation.of(
                Path.of(System.getProperty("brushline.schemas.dir")).resolve(file).toUri().toString()));
    }

    /**
     * Paint by Inpaint's data pipeline on real photos: each kept pair's target is the uploaded photo, its
     * source differs from it only inside its mask, the counts add up, one signed webhook ends it, and the
     * instruction written for a pair is read back by the classifier as adding that object.
     */
    @Test
    @Order(21)
    void aDatasetOfPhotosBecomesAnImageFolderOfVerifiedRemovalPairs() throws Exception {
        List<String> photos = List.of("sam_dog.jpg", "gsam_demo2_dog.jpg", "sam_truck.jpg", "samhq_example4_bench.jpg");
        var form = new MultipartForm().field("webhook_url", webhooks.url("/dataset-hooks"))
                .field("filters", "{\"max_objects_per_image\": 2}");
        List<byte[]> originals = new ArrayList<>();
        for (String photo : photos) {
            originals.add(Files.readAllBytes(shared.resolve("data/images").resolve(photo)));
            form.file("image", originals.get(originals.size() - 1));
        }
        var accepted = api.post("/v1/datasets", form, "dataset-e2e-1");
        assertEquals(202, accepted.status(), String.valueOf(accepted.json()));
        String id = accepted.json().path("id").asText();

        JsonNode event = awaitOneWebhook("msg_dataset_" + id, "dataset-webhook-event.json",
                () -> String.valueOf(api.get("/v1/datasets/" + id).json()));
        assertEquals("dataset.completed", event.path("type").asText(), event.toString());
        JsonNode status = api.get("/v1/datasets/" + id).json();
        assertEquals("completed", status.path("state").asText(), status.toString());
        assertEquals(0, status.path("remaining").asInt(), status.toString());
        assertEquals(photos.size(), status.path("images_surveyed").asInt(), status.toString());
        int kept = status.path("pairs_kept").asInt();
        assertTrue(kept >= 1, "no pair kept from four photos with a dog, a truck and a bench: " + status);
        assertEquals(status.path("pairs_queued").asInt(), kept + status.path("pairs_dropped").asInt(), status.toString());
        int droppedBySurvey = 0;
        for (var reason : List.of("class_not_wanted", "area_too_small", "area_too_large", "touches_border", "occluded",
                "ambiguous_instance", "over_image_limit")) {
            droppedBySurvey += status.path("dropped").path(reason).asInt();
        }
        assertEquals(status.path("objects_found").asInt(), status.path("pairs_queued").asInt() + droppedBySurvey,
                "every object found is either queued or dropped by a named filter: " + status);
        assertEquals(kept, event.path("data").path("pairs_kept").asInt(), event.toString());

        var metadata = api.get(status.path("output").path("metadata_url").asText());
        assertEquals(200, metadata.status());
        String[] rows = new String(metadata.body(), java.nio.charset.StandardCharsets.UTF_8).split("\n");
        assertEquals(kept, rows.length, "one metadata row per kept pair");
        for (String line : rows) {
            JsonNode row = JSON.readTree(line);
            byte[] targetBytes = file(id, row.path("target_file_name").asText());
            assertTrue(originals.stream().anyMatch(o -> java.util.Arrays.equals(o, targetBytes)),
                    "the target is the uploaded photo itself: " + line);
            Mat target = ImageCodec.decodeColor(targetBytes, "target");
            Mat source = ImageCodec.decodeColor(file(id, row.path("source_file_name").asText()), "source");
            Mat mask = ImageCodec.decodeMask(file(id, row.path("mask_file_name").asText()), "mask");
            assertEquals(target.size(), source.size(), line);
            assertEquals(target.size(), mask.size(), line);
            Mat diff = new Mat();
            Core.absdiff(source, target, diff);
            Mat outside = diff.clone();
            outside.setTo(new Scalar(0, 0, 0), mask);
            Scalar changedOutside = Core.sumElems(outside);
            assertEquals(0.0, changedOutside.val[0] + changedOutside.val[1] + changedOutside.val[2],
                    "the pair differs outside its mask: " + line);
            assertTrue(Core.countNonZero(mask) > 0, line);
            assertTrue(Core.sumElems(diff).val[0] > 0, "the object was not removed: " + line);
            String instruction = row.path("instruction").asText();
            assertTrue(instruction.startsWith("add ") && instruction.contains(row.path("label").asText()), line);
        }
        var card = api.get(status.path("output").path("card_url").asText());
        assertEquals(200, card.status());
        assertTrue(new String(card.body(), java.nio.charset.StandardCharsets.UTF_8).contains("imagefolder"));

        // The inverse edit: the pair's instruction on the pair's source is classified as adding that object.
        JsonNode first = JSON.readTree(rows[0]);
        var add = api.post("/v1/edits", new MultipartForm().field("instruction", first.path("instruction").asText())
                .file("image", file(id, first.path("source_file_name").asText())), null);
        assertEquals(202, add.status(), String.valueOf(add.json()));
        String addId = add.json().path("id").asText();
        awaitTerminal(addId);
        JsonNode added = api.get("/v1/edits/" + addId).json();
        assertEquals("ADD", added.path("category").asText(), added.toString());
        assertEquals(first.path("label").asText(), added.path("object").asText(), added.toString());

        Map<String, List<ConsumerRecord<String, String>>> byTopic = readAllTopics();
        // The removals took the bulk lane (edit-masked-bulk), never the edits' edit-masked.
        Set<String> removalIds = new HashSet<>();
        for (int image = 0; image < photos.size(); image++) {
            for (int object = 0; object < status.path("objects_found").asInt(); object++) {
                removalIds.add(DatasetStore.removalJobId(id, image, object));
            }
        }
        // (The poison records an earlier test put on every pipeline topic are not this dataset's.)
        List<ConsumerRecord<String, String>> bulk = byTopic.getOrDefault("edit-masked-bulk", List.of()).stream()
                .filter(r -> removalIds.contains(r.key())).toList();
        assertEquals(status.path("pairs_queued").asLong(), bulk.stream().map(ConsumerRecord::key).distinct().count(),
                "removals on edit-masked-bulk");
        JsonSchema bulkSchema = schema("edit-masked-bulk.json");
        for (var record : bulk) {
            var errors = bulkSchema.validate(JSON.readTree(record.value()));
            assertTrue(errors.isEmpty(), "edit-masked-bulk message " + record.value() + " violates its schema: " + errors);
        }
        assertEquals(List.of(), byTopic.getOrDefault("edit-masked", List.of()).stream().map(ConsumerRecord::key)
                .filter(removalIds::contains).toList(), "removals queued with the edits on edit-masked");
        for (String topic : List.of("dataset-requested", "dataset-removed", "dataset-completed")) {
            JsonSchema schema = schema(topic + ".json");
            List<ConsumerRecord<String, String>> records = byTopic.getOrDefault(topic, List.of());
            assertFalse(records.isEmpty(), "nothing on " + topic);
            for (var record : records) {
                var errors = schema.validate(JSON.readTree(record.value()));
                assertTrue(errors.isEmpty(), topic + " message " + record.value() + " violates its schema: " + errors);
            }
        }
    }

    private byte[] file(String datasetId, String path) throws Exception {
        var reply = api.get("/v1/datasets/" + datasetId + "/files/" + path);
        assertEquals(200, reply.status(), path + ": " + reply.json());
        return reply.body();
    }

    @Test
    @Order(100)
    void deadBrokerAnswers503AndAcceptsNothing() throws Exception {
        long queuedBefore = readAllTopics().getOrDefault("edit-requested", List.of()).size();
        stack.process("kafka").stop();
        long started = System.nanoTime();
        var reply = api.submit(form(CASES.get(0)), "while-broker-down");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, reply.status(), String.valueOf(reply.json()));
        assertEquals("queue_unavailable", reply.json().path("error").asText());
        assertTrue(tookMillis < 30_000, "answered in " + tookMillis + " ms");

        // Nothing was accepted: once the broker is back nothing was queued, and the same key makes a new job.
        stack.restart("kafka");
        assertEquals(queuedBefore, readAllTopics().getOrDefault("edit-requested", List.of()).size(),
                "no message was queued for the refused submission");
        var retried = api.submit(form(CASES.get(0)), "while-broker-down");
        assertEquals(202, retried.status(), String.valueOf(retried.json()));
        assertTrue(retried.json().path("created").asBoolean(), String.valueOf(retried.json()));
    }

    private String submit(Case c, String idempotencyKey) throws Exception {
        var reply = api.submit(form(c), idempotencyKey);
        assertEquals(202, reply.status(), "submission of " + c + " answered " + reply.json());
        String id = reply.json().path("id").asText();
        jobs.put(id, c);
        return id;
    }

    private MultipartForm form(Case c) throws Exception {
        var form = new MultipartForm()
                .field("instruction", c.instruction())
                .field("webhook_url", webhooks.url(c.webhookPath()))
                .file("image", Files.readAllBytes(shared.resolve("data/images").resolve(c.image())));
        if (c.box() != null) {
            form.field("box", c.box());
        }
        if (c.maskFile() != null) {
            form.file("mask", Files.readAllBytes(shared.resolve("data/images/masks").resolve(c.maskFile())));
        }
        if (c.outputFormat() != null) {
            form.field("output_format", c.outputFormat());
        }
        return form;
    }

    /** The mean absolute difference per channel over the pixels {@code mask} leaves out (it zeroes them in diff). */
    private static double meanErrorOutside(Mat diff, Mat mask) {
        diff.setTo(new Scalar(0, 0, 0), mask);
        Scalar sum = Core.sumElems(diff);
        return (sum.val[0] + sum.val[1] + sum.val[2]) / (3.0 * (diff.total() - Core.countNonZero(mask)));
    }

    private void awaitTerminal(String id) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = api.get("/v1/edits/" + id).json();
            String state = status.path("state").asText();
            if (Set.of("SUCCEEDED", "FAILED", "CANCELED").contains(state)) {
                finalStatus.put(id, status);
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " (" + jobs.get(id) + ") did not finish within " + JOB_TIMEOUT
                + "; last status " + api.get("/v1/edits/" + id).json());
    }

    /** The webhook status once retries have had time to finish. */
    private String finalWebhookStatus(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            try {
                status = api.get("/v1/edits/" + id).json().path("webhook").asText();
                if ("delivered".equals(status)) {
                    return status;
                }
                Thread.sleep(200);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return status;
    }

    private Map<String, List<ConsumerRecord<String, String>>> readAllTopics() {
        Map<String, List<ConsumerRecord<String, String>>> byTopic = new HashMap<>();
        TopicReader.readToEnd(stack.kafkaBootstrap(), LocalStack.TOPICS)
                .forEach(r -> byTopic.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r));
        return byTopic;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static String sha256(String key) throws Exception {
        return sha256(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
    }
}
