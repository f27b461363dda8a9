package io.brushline.faults;

import io.brushline.localstack.LocalStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code kill -9} of every service in turn in the middle of one run, each restarted two seconds
 * later: a crash loses nothing, since nothing is acknowledged before its output is durable, and
 * whatever a crashed process had half done is redone idempotently.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceCrashFaultTest {

    /** How long a crashed service stays down before it is started again. */
    private static final long DOWN_MILLIS = 2000;
    /** Time between one service coming back and the next crash, so each crash lands in a busy pipeline. */
    private static final long BETWEEN_CRASHES_MILLIS = 2000;
    /**
     * Webhooks in flight when the notifier dies may have been accepted by the receiver without the
     * notifier recording it; they are sent again, with the same webhook-id. At most one per
     * concurrent delivery slot (16 by default).
     */
    private static final long NOTIFIER_CONCURRENCY = 16;

    /** Closed by JUnit once every test of the class has run. */
    @AutoClose
    private FaultStack system;

    @BeforeAll
    void start() throws Exception {
        system = FaultStack.start("service-crash", Map.of());
    }

    @Test
    void killingEachServiceMidRunLosesAndDuplicatesNothing() throws Exception {
        int jobs = Math.max(500, FaultRun.jobsPerRun());
        var report = new FaultRun(system, "kill -9 each service").jobs(jobs).faultAt(0.1)
                .run(() -> crashInTurn(LocalStack.SERVICES)).print();
        report.assertFaultHitTheRun()
                .assertEveryJobSucceededWithOneResult()
                .assertEveryWebhookAcceptedOnce(NOTIFIER_CONCURRENCY);
    }

    /**
     * One batch of 1,000 items (the most a batch may hold): while they run, the masking stage, the
     * inpainting stage and the notifier (which counts the items and sends the batch webhook) each get
     * {@code kill -9} in turn and are restarted. Every item runs once to SUCCEEDED, the batch
     * completes, one signed {@code batch.completed} comes with matching counts, and the manifest in
     * the bucket lists each of the 1,000 items once.
     */
    @Test
    void aBatchOfAThousandItemsCompletesOnceWhileServicesAreKilled() throws Exception {
        new BatchRun(system, "batch of 1000, kill -9 masking, inpainting, notifier").items(1000)
                .runAndCheck(() -> crashInTurn(List.of("masking", "inpainting", "notifier")));
    }

    /** {@code kill -9} of each service in turn, each restarted after {@link #DOWN_MILLIS}; an account. */
    private String crashInTurn(List<String> services) throws InterruptedException {
        List<String> account = new ArrayList<>();
        for (String service : services) {
            var process = system.process(service);
            long killed = System.currentTimeMillis();
            process.kill();
            Thread.sleep(DOWN_MILLIS);
            system.stack.restart(service);
            account.add(String.format("%s down %.1f s", service, (System.currentTimeMillis() - killed) / 1000.0));
            Thread.sleep(BETWEEN_CRASHES_MILLIS);
        }
        return String.join(", ", account);
    }
}
