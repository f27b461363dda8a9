package io.brushline.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.localstack.TopicReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An orderly stop (SIGTERM, as a rolling deploy or a KEDA scale-in does) of the inpainting service
 * while a burst of records is queued for it. Once the stop begins, its worker pool refuses the records
 * the Kafka connector still hands over. Such a record must stay uncommitted, for the restarted service
 * to read again, and any record parked on {@code edit-dead-letter} while its job runs must be put back
 * by the notifier's dead-letter replayer: every job still ends, SUCCEEDED, with exactly one webhook;
 * none is left running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulStopFaultTest {

    /** One job at a time per inpainting instance: a burst of jobs queues up in its worker pool. */
    private static final String SERVICE_TIME = "PT0.5S";
    private static final int JOBS = 60;
    /** How long the stopped service stays down before it starts again. */
    private static final long DOWN_MILLIS = 3000;

    private FaultStack system;

    @BeforeAll
    void start() throws Exception {
        system = FaultStack.start("graceful-stop", Map.of("BRUSHLINE_INPAINTING_BENCHMARK_SERVICE_TIME", SERVICE_TIME));
    }

    @AfterAll
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
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
