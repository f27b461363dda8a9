package io.brushline.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.localstack.TopicReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An orderly stop (SIGTERM, as a rolling deploy or a KEDA scale-in does) of the inpainting service
 * while a burst of records is queued for it. Once the stop begins, its worker pool refuses the records
 * the Kafka connector still hands over. Such a record must stay uncommitted, for the restarted service
 * to read again, and any record parked on {@code edit-dead-letter} while its job runs must be put back
 * by the notifier's dead-letter replayer: every job still ends, SUCCEEDED, with exactly one webhook;
 * none is left running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GracefulStopFaultTest {

    /** One job at a time per inpainting instance: a burst of jobs queues up in its worker pool. */
    private static final String SERVICE_TIME = "PT0.5S";
    private static final int JOBS = 60;
    /** How long the stopped service stays down before it starts again. */
    private static final long DOWN_MILLIS = 3000;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Closed by JUnit once every test of the class has run. */
    @AutoClose
    private FaultStack system;

    @BeforeAll
    void start() throws Exception {
        system = FaultStack.start("graceful-stop", Map.of("BRUSHLINE_INPAINTING_BENCHMARK_SERVICE_TIME", SERVICE_TIME));
    }

    @Test
    @Order(1)
    void stoppingAStageWithRecordsQueuedLosesNoJob() throws Exception {
        Path paintingLog = system.logs().resolve("inpainting.log");
        var report = new FaultRun(system, "SIGTERM inpainting with records queued")
                .baselineJobs(0).jobs(JOBS).perSecond(JOBS).faultAt(1.0)
                .run(() -> {
                    // Once jobs are being painted, the rest of the burst waits in the service's pool.
                    long deadline = System.currentTimeMillis() + 180_000;
                    while (paintedJobs(paintingLog) < 3 && System.currentTimeMillis() < deadline) {
                        Thread.sleep(100);
                    }
                    long painted = paintedJobs(paintingLog);
                    return "after " + painted + " jobs painted: " + system.outage("inpainting", DOWN_MILLIS);
                }).print();

        List<ConsumerRecord<String, String>> parked = TopicReader.readToEnd(system.stack.kafkaBootstrap(),
                List.of("edit-dead-letter"));
        long parkedAtStop = parked.stream().filter(r -> "edit-masked".equals(header(r, "dead-letter-topic"))).count();
        long replayed = TopicReader.readToEnd(system.stack.kafkaBootstrap(), List.of("edit-masked")).stream()
                .filter(r -> header(r, "brushline-replays") != null).count();
        long leftUncommitted = logLines(paintingLog, "refused while the service stops");
        String figures = String.format("SIGTERM of inpainting: %d records refused while it stopped and left uncommitted, "
                + "%d parked on edit-dead-letter from edit-masked (of %d parked in all), %d replayed onto edit-masked",
                leftUncommitted, parkedAtStop, parked.size(), replayed);
        System.out.println("FAULT " + figures);
        parked.stream().limit(3).forEach(r -> System.out.println("  parked " + r.key() + ": "
                + header(r, "dead-letter-reason")));

        report.assertFaultHitTheRun()
                .assertEveryJobSucceededWithOneResult()
                .assertEveryWebhookAcceptedOnce(0);
        assertTrue(leftUncommitted + parkedAtStop > 0,
                "the stopping service refused no record, so the stop did not meet a queued burst: " + figures);
        assertTrue(replayed >= parkedAtStop, "every parked record of a running job was replayed: " + figures);
    }

    /**
     * A record of a running job parked for the fourth time (its replays used up) ends the job: FAILED,
     * {@code internal_error}, a reason that names the stage and says to resubmit, and one webhook. The
     * job's own record, still waiting on {@code edit-requested} while the classifier is down, is read
     * when it comes back and skipped: the job has ended.
     */
    @Test
    @Order(2)
    void aRecordParkedAfterItsLastReplayFailsItsJobWithOneWebhook() throws Exception {
        system.process("classifier").stop();
        String id;
        try {
            id = system.client.submit(system.image(1), FaultStack.INSTRUCTION, FaultStack.BOX,
                    system.webhooks.url("/ok/"), "replays-used-up-" + System.nanoTime()).jobId();
            String value = TopicReader.readToEnd(system.stack.kafkaBootstrap(), List.of("edit-requested")).stream()
                    .filter(r -> id.equals(r.key())).findFirst().orElseThrow().value();
            var parked = new ProducerRecord<>("edit-dead-letter", id, value);
            parked.headers().add("dead-letter-topic", "edit-requested".getBytes(StandardCharsets.UTF_8));
            parked.headers().add("dead-letter-reason", "WorkerPoolRegistry is being shut down".getBytes(StandardCharsets.UTF_8));
            parked.headers().add("brushline-replays", "3".getBytes(StandardCharsets.UTF_8));
            try (var producer = system.producer()) {
                producer.send(parked).get();
            }
            var ended = system.awaitWebhookSettled(id, Duration.ofMinutes(2));
            assertEquals("FAILED", ended.path("state").asText(), ended.toString());
            assertEquals("internal_error", ended.path("failure").path("code").asText(), ended.toString());
            assertEquals("the classifier stage could not process this job after 4 attempts; resubmit it",
                    ended.path("failure").path("reason").asText(), ended.toString());
        } finally {
            system.stack.restart("classifier");
        }
        // The classifier, back, reads the job's waiting record and skips it: the job stays as it ended.
        long deadline = System.currentTimeMillis() + 120_000;
        while (!classifierSkippedAJob() && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        assertTrue(classifierSkippedAJob(), "the restarted classifier skipped the ended job's waiting record");
        assertEquals("FAILED", system.client.status(id).path("state").asText());
        var attempts = system.webhooks.attempts().stream()
                .filter(a -> id.equals(RunReport.data(a.body()).path("id").asText())).toList();
        assertEquals(1, attempts.stream().filter(WebhookSink.Attempt::accepted).count(), attempts.toString());
        assertEquals("FAILED", RunReport.data(attempts.get(0).body()).path("state").asText());
        System.out.println("FAULT replays used up: job " + id + " FAILED internal_error with "
                + attempts.size() + " webhook attempt(s)");
    }

    /** Whether the classifier's {@code /q/metrics} counts a skipped job (one that had moved on or ended). */
    private boolean classifierSkippedAJob() throws InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + system.process("classifier").port()
                + "/q/metrics")).timeout(Duration.ofSeconds(5)).build();
        try {
            String metrics = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().anyMatch(line -> line.startsWith("brushline_stage_jobs_total{")
                    && line.contains("outcome=\"skipped\"") && !line.endsWith(" 0.0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Jobs the inpainting service has painted so far, from its log (the current process and earlier ones). */
    private static long paintedJobs(Path log) throws IOException {
        return logLines(log, ": paint done");
    }

    private static long logLines(Path log, String containing) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains(containing)).count();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
