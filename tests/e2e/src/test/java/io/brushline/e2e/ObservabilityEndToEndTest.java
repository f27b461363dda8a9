package io.brushline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.e2e.OtlpTraceReceiver.ReceivedSpan;
import io.brushline.localstack.LocalStack;
import io.brushline.localstack.MultipartForm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an operator sees of one job on the real local stack, tracing on: one trace from the HTTP
 * submit through every stage to the webhook call (collected by an OTLP receiver in this test), the
 * pipeline's metrics on every service's {@code /q/metrics}, and JSON log lines that carry the job
 * id and the trace id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityEndToEndTest {

    private static final String API_KEY = "observability-e2e-key";
    private static final String WEBHOOK_SECRET = "whsec_b2JzZXJ2YWJpbGl0eS1lMmUtc2VjcmV0LTEyMzQ1Ng==";
    // Generous: on a loaded two-core machine one cold job has taken over two minutes.
    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The stage spans of a job in the order of the pipeline: each one's parent is the one before. */
    private static final List<String> STAGE_SPANS = List.of("classify", "ground", "mask", "paint", "notify", "webhook");
    private static final Map<String, String> SERVICE_OF_SPAN = Map.of("classify", "brushline-classifier",
            "ground", "brushline-grounding", "mask", "brushline-masking", "paint", "brushline-inpainting",
            "notify", "brushline-notifier", "webhook", "brushline-notifier");
    /** An OpenMetrics sample line (what Quarkus serves): name, labels, value, then maybe a timestamp and an exemplar. */
    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*?)})? (\\S+)(?: [0-9.e+-]+)?(?: # .*)?$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpClient http = HttpClient.newHttpClient();
    private Path root;
    private LocalStack stack;
    private OtlpTraceReceiver traces;
    private WebhookReceiver webhooks;
    private String succeededJob;
    private String failedJob;

    @BeforeAll
    void runOneJobWithTracingOn() throws Exception {
        Path shared = Path.of(System.getProperty("brushline.shared.dir", "../shared")).toAbsolutePath().normalize();
        boolean present = Files.isDirectory(shared.resolve("data/images")) && Files.isDirectory(shared.resolve("models"));
        if ("true".equals(System.getenv("CI")) && !present) {
            fail("shared data and models missing at " + shared);
        }
        assumeTrue(present, "shared data missing at " + shared);
        root = Path.of(System.getProperty("brushline.root", "../.."));
        Path target = Files.createDirectories(root.resolve("tests/e2e/target"));
        Path data = Files.createTempDirectory(target, "observability-stack");
        traces = new OtlpTraceReceiver();
        webhooks = new WebhookReceiver(WEBHOOK_SECRET);
        stack = new LocalStack(root, data, LocalStack.freePorts(), 2).startInfrastructure();
        Path bucketModels = Files.createDirectories(data.resolve("s3").resolve(LocalStack.BUCKET).resolve("models"));
        for (String model : List.of("yolox_nano.onnx", "deeplabv3_mobilenetv2_voc.onnx")) {
            byte[] bytes = Files.readAllBytes(shared.resolve("models").resolve(model));
            Files.write(bucketModels.resolve(model), bytes);
            Files.writeString(bucketModels.resolve(model + ".sha256"), sha256(bytes) + "  " + model);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BRUSHLINE_MODELS_DIR", data.resolve("model-cache").toString());
        env.put("BRUSHLINE_MODELS_FETCH_FROM_STORAGE", "true");
        env.put("BRUSHLINE_WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.put("BRUSHLINE_OUTBOUND_ALLOWED_HOSTS", webhooks.hostAndPort());
        env.put("BRUSHLINE_GATEWAY_API_KEYS_OBS", sha256(API_KEY.getBytes()));
        env.put("QUARKUS_OTEL_SDK_DISABLED", "false");
        env.put("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces.endpoint());
        env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms");
        stack.startServices(env);

        var api = new Api(stack.gatewayUrl(), API_KEY);
        byte[] whale = Files.readAllBytes(shared.resolve("data/images/samhq_example6_whale.jpg"));
        succeededJob = submit(api, new MultipartForm().field("instruction", "remove this").field("box", "181,196,757,495")
                .field("webhook_url", webhooks.url("/hooks")).file("image", whale));
        byte[] dog = Files.readAllBytes(shared.resolve("data/images/sam_dog.jpg"));
        failedJob = submit(api, new MultipartForm().field("instruction", "remove the giraffe")
                .field("webhook_url", webhooks.url("/hooks")).file("image", dog));
        assertEquals("SUCCEEDED", awaitTerminal(api, succeededJob));
        assertEquals("FAILED", awaitTerminal(api, failedJob));
        await("the webhook of " + succeededJob, () -> webhook(succeededJob).isPresent());
        await("the webhook span of " + succeededJob, () -> span(succeededJob, "webhook").isPresent());
    }

    @AfterAll
    void stopSystem() {
        if (stack != null) {
            stack.close();
        }
        for (AutoCloseable server : new AutoCloseable[] {traces, webhooks}) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (Exception ignored) {
                // already stopped
            }
        }
    }

    @Test
    void oneTraceRunsFromTheSubmitThroughEveryStageToTheWebhookCall() {
        String traceparent = webhook(succeededJob).orElseThrow().traceparent();
        assertNotNull(traceparent, "the webhook request carries the job's trace context");
        String traceId = traceparent.split("-")[1];

        ReceivedSpan first = span(succeededJob, "classify").orElseThrow();
        ReceivedSpan submit = traces.spans().stream().filter(s -> s.spanId().equals(first.parentSpanId()))
                .findFirst().orElseThrow(() -> new AssertionError("the classify span's parent was not exported"));
        assertEquals("brushline-gateway", submit.service(), "the trace starts at the gateway");
        assertEquals("SPAN_KIND_SERVER", submit.kind(), "with the HTTP request that submitted the job: " + submit);
        assertEquals(traceId, submit.traceId());

        ReceivedSpan parent = submit;
        for (String name : STAGE_SPANS) {
            ReceivedSpan span = span(succeededJob, name).orElseThrow(() -> new AssertionError("no " + name + " span"));
            assertEquals(SERVICE_OF_SPAN.get(name), span.service(), span.toString());
            assertEquals(traceId, span.traceId(), name + " belongs to the job's trace");
            assertEquals(parent.spanId(), span.parentSpanId(), name + " is a child of " + parent.name());
            parent = span;
        }
        assertEquals(parent.spanId(), traceparent.split("-")[2], "the webhook carries the webhook span's context");
        Set<String> services = new java.util.TreeSet<>();
        traces.spans().stream().filter(s -> s.traceId().equals(traceId)).forEach(s -> services.add(s.service()));
        assertEquals(Set.of("brushline-gateway", "brushline-classifier", "brushline-grounding", "brushline-masking",
                "brushline-inpainting", "brushline-notifier"), services, "all six services are in the trace");
    }

    @Test
    void aFailedJobsTraceEndsAtTheStageThatFailedItWithItsCode() {
        ReceivedSpan ground = span(failedJob, "ground").orElseThrow();
        assertEquals("object_not_found", ground.attributes().get("brushline.failure.code"));
        assertTrue(span(failedJob, "mask").isEmpty(), "no stage after the failing one works on the job");
    }

    @Test
    void everyServiceExportsThePipelineMetricsAfterAJob() throws Exception {
        for (String stage : List.of("classify", "ground", "mask", "paint")) {
            String service = switch (stage) {
                case "classify" -> "classifier";
                case "ground" -> "grounding";
                case "mask" -> "masking";
                default -> "inpainting";
            };
            Map<String, String> succeeded = Map.of("stage", stage, "outcome", "succeeded", "code", "none");
            assertTrue(sum(service, "brushline_stage_jobs_total", succeeded) >= 1, service + " counts its job");
            for (String timer : List.of("engine", "storage", "handoff_wait")) {
                assertTrue(sum(service, "brushline_stage_" + timer + "_seconds_count", Map.of("stage", stage)) >= 1,
                        service + " times " + timer);
            }
            assertTrue(sum(service, "brushline_stage_handoff_wait_seconds_bucket", Map.of("stage", stage)) > 0,
                    service + " publishes histogram buckets for latency quantiles");
        }
        assertEquals(1, sum("grounding", "brushline_stage_jobs_total",
                Map.of("stage", "ground", "outcome", "failed", "code", "object_not_found")));
        assertTrue(sum("inpainting", "brushline_paint_batch_size_count", Map.of()) >= 1, "batch sizes");
        assertTrue(sum("inpainting", "brushline_paint_batch_seconds_count", Map.of()) >= 1, "painter busy time");
        assertTrue(sum("notifier", "brushline_webhook_attempts_total", Map.of("result", "delivered")) >= 2,
                "both jobs' webhooks were delivered");
        assertTrue(sum("gateway", "http_server_requests_seconds_count", Map.of("uri", "/v1/edits", "method", "POST"))
                >= 2, "HTTP server metrics at the gateway");
        for (String consumer : List.of("classifier", "grounding", "masking", "inpainting", "notifier")) {
            assertTrue(metrics(consumer).stream().anyMatch(s -> s.name().equals("kafka_consumer_fetch_manager_records_lag_max")),
                    consumer + " reports its consumer lag");
        }
    }

    @Test
    void everyMetricTheChartsAlertsAndDashboardReadIsExposed() throws Exception {
        Path chart = root.resolve("deploy/helm/brushline");
        String queries = Files.readString(chart.resolve("templates/prometheusrule.yaml"))
                + Files.readString(chart.resolve("dashboards/brushline.json"));
        // GPU memory is reported only where a GPU is present; kube_* and DCGM_* come from other exporters.
        Matcher name = Pattern.compile("\\b(?:brushline|kafka_consumer|http_server)_(?!gpu_)\\w+").matcher(queries);
        Set<String> referenced = new java.util.TreeSet<>();
        while (name.find()) {
            referenced.add(name.group());
        }
        assertTrue(referenced.size() >= 8, "the chart's queries were read: " + referenced);
        // Micrometer binds the Kafka client's per-partition metrics (records_lag) when it next refreshes
        // them, up to a minute after the partitions were assigned: scrape until then.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(90);
        while (true) {
            for (String service : LocalStack.SERVICES) {
                metrics(service).forEach(sample -> referenced.remove(sample.name()));
            }
            if (referenced.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(2_000);
        }
        assertEquals(Set.of(), referenced, "metrics the chart reads that no service exposes");
    }

    @Test
    void everyLogLineOfTheJobCarriesItsIdAndTraceId() throws Exception {
        String traceId = span(succeededJob, "classify").orElseThrow().traceId();
        for (String service : LocalStack.SERVICES) {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(stack.process(service).logFile())) {
                if (line.startsWith("{")) {
                    JsonNode json = JSON.readTree(line);
                    if (json.path("message").asText().contains(succeededJob)
                            || succeededJob.equals(json.path("mdc").path("jobId").asText())) {
                        lines.add(json);
                    }
                }
            }
            assertFalse(lines.isEmpty(), service + " logged the job in JSON");
            for (JsonNode line : lines) {
                assertEquals(succeededJob, line.path("mdc").path("jobId").asText(), service + ": " + line);
                assertEquals(traceId, line.path("mdc").path("traceId").asText(), service + ": " + line);
            }
        }
    }

    private String submit(Api api, MultipartForm form) throws Exception {
        var reply = api.submit(form, null);
        assertEquals(202, reply.status(), String.valueOf(reply.json()));
        return reply.json().path("id").asText();
    }

    private static String awaitTerminal(Api api, String id) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String state = api.get("/v1/edits/" + id).json().path("state").asText();
            if (Set.of("SUCCEEDED", "FAILED", "CANCELED").contains(state)) {
                return state;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not finish within " + TIMEOUT);
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not arrive within " + TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    private Optional<WebhookReceiver.Received> webhook(String jobId) {
        return webhooks.received().stream().filter(r -> ("msg_" + jobId).equals(r.webhookId())).findFirst();
    }

    private Optional<ReceivedSpan> span(String jobId, String name) {
        Predicate<ReceivedSpan> ofJob = s -> jobId.equals(s.attributes().get("brushline.job.id"));
        return traces.spans().stream().filter(ofJob.and(s -> s.name().equals(name))).findFirst();
    }

    private record Sample(String name, Map<String, String> labels, double value) {
    }

    private List<Sample> metrics(String service) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.ports().service(service) + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), service + " /q/metrics");
        List<Sample> samples = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!line.startsWith("#") && sample.matches()) {
                Map<String, String> labels = new LinkedHashMap<>();
                Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
                samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
            }
        }
        return samples;
    }

    /** The sum of a metric's samples whose labels include {@code labels}. */
    private double sum(String service, String name, Map<String, String> labels) throws Exception {
        return metrics(service).stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
