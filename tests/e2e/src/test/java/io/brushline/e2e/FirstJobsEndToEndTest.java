package io.brushline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brushline.localstack.LocalStack;
import io.brushline.localstack.MultipartForm;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A fresh stack, as a new user starts it, and the first job of each category sent before any other
 * job has warmed anything up: no job may fail for something that a previous job would have loaded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirstJobsEndToEndTest {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

    /**
     * One first job per category and how it must end: SUCCEEDED, or FAILED with this code; and the
     * tier and operation the job record must name.
     */
    record FirstJob(String category, String image, String instruction, String expectedFailure, String tier,
            String operation) {
    }

    private static final List<FirstJob> FIRST_JOBS = List.of(
            new FirstJob("GLOBAL", "samhq_example4_bench.jpg", "make it black and white", null, "cpu", "greyscale"),
            new FirstJob("ADD", "sam_groceries.jpg", "add a hot air balloon in the sky", "no_painter_configured",
                    "generative", "inpaint-add"),
            new FirstJob("LOCAL", "gsam_demo2_dog.jpg", "make the dog red", null, "cpu", "recolour"),
            new FirstJob("BACKGROUND", "iopaint_person.png", "blur the background", null, "cpu", "background-blur"),
            new FirstJob("REMOVE", "sam_dog.jpg", "remove the dog", null, "cpu", "classical"));

    private Path shared;
    private LocalStack stack;
    private Api api;
    private final Map<FirstJob, JsonNode> results = new LinkedHashMap<>();

    @BeforeAll
    void startFreshStackAndSendTheFirstJobs() throws Exception {
        shared = TestData.sharedDir();
        Path root = Path.of(System.getProperty("brushline.root", "../.."));
        Path data = root.resolve("tests/e2e/target/first-jobs-stack");
        TestData.deleteRecursively(data);
        stack = new LocalStack(root, data, LocalStack.freePorts(), 2).startInfrastructure();
        stack.startServices(Map.of("BRUSHLINE_MODELS_DIR", shared.resolve("models").toString()));
        api = new Api(stack.gatewayUrl(), null);

        // All first jobs go in together, before any job has run anywhere.
        Map<String, FirstJob> submitted = new LinkedHashMap<>();
        for (FirstJob job : FIRST_JOBS) {
            var reply = api.submit(new MultipartForm().field("instruction", job.instruction())
                    .file("image", Files.readAllBytes(shared.resolve("data/images").resolve(job.image()))), null);
            assertEquals(202, reply.status(), job + " answered " + reply.json());
            submitted.put(reply.json().path("id").asText(), job);
        }
        for (var entry : submitted.entrySet()) {
            results.put(entry.getValue(), awaitTerminal(entry.getKey()));
        }
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void eachFirstJobEndsAsExpectedWithAReasonInWords() {
        for (var entry : results.entrySet()) {
            FirstJob job = entry.getKey();
            JsonNode status = entry.getValue();
            String label = job + ": " + status;
            assertEquals(job.category(), status.path("category").asText(), label);
            if (job.expectedFailure() == null) {
                assertEquals("SUCCEEDED", status.path("state").asText(), label);
                assertTrue(status.has("result_url"), label);
            } else {
                assertEquals("FAILED", status.path("state").asText(), label);
                assertEquals(job.expectedFailure(), status.path("failure").path("code").asText(), label);
            }
            assertEquals(job.tier(), status.path("operation").path("tier").asText(), label);
            // the classical fill is named with its method (classical-telea, ...)
            assertTrue(status.path("operation").path("name").asText().startsWith(job.operation()), label);
            if (job.expectedFailure() != null) {
                assertTrue(status.path("failure").path("reason").asText().contains("model"),
                        "the reason names the kind of model: " + label);
            }
            if (status.has("failure")) {
                String reason = status.path("failure").path("reason").asText();
                assertFalse(reason.isBlank(), label);
                assertFalse(reason.matches("(?s).*\\b[a-z]+\\.[a-z]+(\\.[a-z]+)*\\.[A-Z]\\w*.*"),
                        "a reason names no Java class: " + label);
            }
        }
    }

    /**
     * The results are real pictures of the photo's size, kept in target/first-jobs/ to look at; the
     * black-and-white one has no colour left.
     */
    @Test
    void eachResultIsAPictureOfThePhotosSizeAndTheGreyscaleOneHasNoColour() throws Exception {
        Path out = Path.of("target/first-jobs");
        Files.createDirectories(out);
        for (var entry : results.entrySet()) {
            JsonNode status = entry.getValue();
            if (!"SUCCEEDED".equals(status.path("state").asText())) {
                continue;
            }
            var result = api.get("/v1/edits/" + status.path("id").asText() + "/result");
            assertEquals(200, result.status(), status.toString());
            String ending = status.path("result_type").asText().equals("image/jpeg") ? ".jpg" : ".png";
            Files.write(out.resolve(entry.getKey().category().toLowerCase() + ending), result.body());
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(result.body()));
            assertEquals(status.path("width").asInt(), picture.getWidth(), status.toString());
            assertEquals(status.path("height").asInt(), picture.getHeight(), status.toString());
            if ("greyscale".equals(entry.getKey().operation())) {
                for (int y = 0; y < picture.getHeight(); y += 7) {
                    for (int x = 0; x < picture.getWidth(); x += 7) {
                        int rgb = picture.getRGB(x, y);
                        int r = rgb >> 16 & 0xff;
                        int g = rgb >> 8 & 0xff;
                        int b = rgb & 0xff;
                        assertTrue(Math.abs(r - g) <= 1 && Math.abs(g - b) <= 1,
                                "grey at " + x + "," + y + ": " + r + "," + g + "," + b);
                    }
                }
            }
        }
    }

    @Test
    void everyServiceReportsItsNativeLibrariesReady() throws Exception {
        for (String service : LocalStack.SERVICES) {
            var ready = new Api("http://127.0.0.1:" + stack.ports().service(service), null).get("/q/health/ready");
            assertEquals(200, ready.status(), service + ": " + ready.json());
            boolean reported = false;
            for (JsonNode check : ready.json().path("checks")) {
                if ("native-libraries".equals(check.path("name").asText())) {
                    reported = true;
                    assertEquals("UP", check.path("status").asText(), service + ": " + check);
                }
            }
            assertTrue(reported, service + " reports its native libraries: " + ready.json());
        }
    }

    /** After the first jobs: a supplied background of another shape is scaled to cover, and the job says so. */
    @Test
    void aSuppliedBackgroundImageIsCompositedAndAnImageThatIsNoneIsRefused() throws Exception {
        byte[] person = Files.readAllBytes(shared.resolve("data/images/iopaint_person.png"));
        var refused = api.submit(new MultipartForm().field("instruction", "put her on this background")
                .file("image", person).file("background_image", "not an image".getBytes()), null);
        assertEquals(400, refused.status(), String.valueOf(refused.json()));
        assertEquals("invalid_image", refused.json().path("error").asText(), String.valueOf(refused.json()));

        var accepted = api.submit(new MultipartForm().field("instruction", "replace the background with this one")
                .file("image", person)
                .file("background_image", Files.readAllBytes(shared.resolve("data/images/sam_truck.jpg"))), null);
        assertEquals(202, accepted.status(), String.valueOf(accepted.json()));
        JsonNode status = awaitTerminal(accepted.json().path("id").asText());
        assertEquals("SUCCEEDED", status.path("state").asText(), status.toString());
        assertEquals("background-image", status.path("operation").path("name").asText(), status.toString());
        assertTrue(status.path("operation").path("note").asText().contains("scaled to cover"), status.toString());
    }

    /** The web studio in a real browser, on this stack once its first jobs have run (no second stack). */
    @Nested
    class WebStudio extends StudioWalkthrough {

        @Override
        String gatewayUrl() {
            return stack.gatewayUrl();
        }

        @Override
        Path photos() {
            return shared.resolve("data/images");
        }
    }

    private JsonNode awaitTerminal(String id) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = api.get("/v1/edits/" + id).json();
            if (Set.of("SUCCEEDED", "FAILED", "CANCELED").contains(status.path("state").asText())) {
                return status;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not finish within " + JOB_TIMEOUT);
    }
}
