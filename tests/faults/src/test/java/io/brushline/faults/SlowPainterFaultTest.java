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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A painter step far slower than usual (a GPU batch, a big model): with the inpainting service's
 * benchmark painter mode (a fixed service time per job, one job at a time per instance), records
 * wait in the service for longer than the Kafka connector's default unprocessed-record limit
 * (60 s). The service must stay live ({@code /q/health/live} UP throughout), and no record may be
 * redelivered while it is being worked on: each job is painted once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowPainterFaultTest {

    private static final Duration SERVICE_TIME = Duration.ofSeconds(8);
    /** Eight jobs one after another: the last waits about 64 s, past the connector's default 60 s. */
    private static final int JOBS = 8;

    private FaultStack system;

    @BeforeAll
    void start() throws Exception {
        system = FaultStack.start("slow-painter", Map.of(
                "BRUSHLINE_INPAINTING_BENCHMARK_SERVICE_TIME", SERVICE_TIME.toString()));
    }

    @AfterAll
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
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
