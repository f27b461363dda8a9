package io.brushline.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A painter step far slower than usual (a GPU batch, a big model): with the inpainting service's
 * benchmark painter mode (a fixed service time per job, one job at a time per instance), records
 * wait in the service for longer than the Kafka connector's default unprocessed-record limit
 * (60 s). The service must stay live ({@code /q/health/live} UP throughout), and no record may be
 * redelivered while it is being worked on: each job is painted once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlowPainterFaultTest {

    private static final Duration SERVICE_TIME = Duration.ofSeconds(8);
    /** Eight jobs one after another: the last waits about 64 s, past the connector's default 60 s. */
    private static final int JOBS = 8;

    /** Closed by JUnit once every test of the class has run. */
    @AutoClose
    private FaultStack system;

    @BeforeAll
    void start() throws Exception {
        system = FaultStack.start("slow-painter", Map.of(
                "BRUSHLINE_INPAINTING_BENCHMARK_SERVICE_TIME", SERVICE_TIME.toString()));
    }

    /**
     * A job canceled while it is being painted ends CANCELED: its webhook says so (an
     * {@code edit.canceled} event) and arrives when the API shows CANCELED, and the painted result is
     * never published.
     */
    @Test
    @Order(1)
    void aJobCanceledWhilePaintingEndsCanceledWithoutAResult() throws Exception {
        String id = system.client.submit(system.image(0), FaultStack.INSTRUCTION, FaultStack.BOX,
                system.webhooks.url("/ok/"), "cancel-" + System.nanoTime()).jobId();
        // The first job of a fresh stack also warms every service up: minutes on a busy machine.
        long deadline = System.currentTimeMillis() + 180_000;
        while (!"PAINTING".equals(system.client.status(id).path("state").asText())) {
            assertTrue(System.currentTimeMillis() < deadline, "job " + id + " never reached PAINTING");
            Thread.sleep(100);
        }
        assertEquals(200, system.client.call("DELETE", "/v1/edits/" + id));
        List<WebhookSink.Attempt> attempts = List.of();
        deadline = System.currentTimeMillis() + SERVICE_TIME.toMillis() + 30_000;
        while (attempts.stream().noneMatch(WebhookSink.Attempt::accepted)) {
            assertTrue(System.currentTimeMillis() < deadline, "no webhook for the canceled job " + id);
            Thread.sleep(200);
            attempts = system.webhooks.attempts().stream()
                    .filter(a -> id.equals(RunReport.data(a.body()).path("id").asText())).toList();
        }
        var event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(attempts.get(0).body());
        assertEquals("edit.canceled", event.path("type").asText(), event.toString());
        assertEquals("CANCELED", event.path("data").path("state").asText(), event.toString());
        assertTrue(event.path("data").path("result_url").isMissingNode(), event.toString());
        assertEquals(java.util.Optional.of("CANCELED"), attempts.get(0).apiState());
        // The webhook comes once the painter has finished: what it painted is not published.
        var status = system.client.status(id);
        assertEquals("CANCELED", status.path("state").asText(), status.toString());
        assertTrue(status.path("result_url").isMissingNode(), status.toString());
        assertEquals(409, system.client.call("GET", "/v1/edits/" + id + "/result"));
    }

    @Test
    @Order(2)
    void aPainterSlowerThanTheRecordLimitStaysLiveAndPaintsEachJobOnce() throws Exception {
        var health = new LivenessProbe(system.process("inpainting").port());
        Thread probe = new Thread(health, "liveness-probe");
        probe.setDaemon(true);
        probe.start();
        RunReport report;
        try {
            report = new FaultRun(system, "painter takes " + SERVICE_TIME.toSeconds() + " s per job")
                    .baselineJobs(0).jobs(JOBS).perSecond(JOBS).faultAt(0)
                    .run(() -> JOBS + " jobs queued at once on one painter").print();
        } finally {
            health.stop.set(true);
            probe.join();
        }
        for (String job : report.submissions.keySet()) {
            var transitions = report.statuses.get(job).path("transitions");
            long painting = Duration.between(Instant.parse(transitions.path("PAINTING").asText()),
                    Instant.parse(transitions.path("SUCCEEDED").asText())).toMillis();
            assumeTrue(painting >= SERVICE_TIME.toMillis() - 100,
                    "the inpainting service has no benchmark service-time mode: painting took " + painting + " ms");
        }
        long longestWait = report.submissions.keySet().stream().mapToLong(report::latency).max().orElseThrow();
        assertTrue(longestWait > 60_000, "a record waited longer than the connector's default limit: "
                + longestWait + " ms");
        assertTrue(health.answers.size() > 10, "liveness was probed throughout: " + health.answers.size());
        assertTrue(health.answers.stream().allMatch(status -> status == 200),
                "the inpainting service stayed live while it worked: " + health.answers);
        for (String job : report.submissions.keySet()) {
            assertEquals(1, report.outcomes.completed(job), job + " was painted once, not redelivered");
        }
        report.assertEveryJobSucceededWithOneResult().assertEveryWebhookAcceptedOnce(0);
    }

    /** Asks {@code /q/health/live} twice a second and keeps every answer's status (0: no answer). */
    private static final class LivenessProbe implements Runnable {
        final List<Integer> answers = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        private final URI uri;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        LivenessProbe(int port) {
            this.uri = URI.create("http://127.0.0.1:" + port + "/q/health/live");
        }

        @Override
        public void run() {
            while (!stop.get()) {
                try {
                    var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
                    answers.add(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (java.io.IOException e) {
                    answers.add(0);
                }
            }
        }
    }
}
