package io.brushline.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A webhook receiver that is down, slow, failing, throttling or gone. The notifier retries on the
 * documented schedule (initial backoff doubling, +-20 % jitter), honours Retry-After, stops for good
 * on 410, and sends every attempt of a delivery with the same webhook-id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookFaultTest {

    private static final long TIMEOUT_MILLIS = 1000;
    private static final long INITIAL_BACKOFF_MILLIS = 200;
    /** Time the notifier may add to a computed delay: its 0.1 s poll for due deliveries, Redis, HTTP. */
    private static final long DISPATCH_SLACK_MILLIS = 350;
    private static final int JOBS = 20;

    /** Closed by JUnit once every test of the class has run. */
    @AutoClose
    private FaultStack system;

    @BeforeAll
    void start() throws Exception {
        system = FaultStack.start("webhooks", Map.of(
                "BRUSHLINE_WEBHOOK_TIMEOUT", "PT1S",
                "BRUSHLINE_WEBHOOK_INITIAL_BACKOFF", "PT0.2S",
                "BRUSHLINE_WEBHOOK_MAX_BACKOFF", "PT10S"));
    }

    @Test
    @Order(1)
    void failingReceiverGetsRetriesWithGrowingJitteredGaps() throws Exception {
        int failures = 3;
        RunReport report = deliver("receiver answers 500 three times", "/fail/500/" + failures + "/");
        List<Long> lastGaps = new ArrayList<>();
        List<List<Long>> gapsByRetry = new ArrayList<>();
        for (int k = 0; k < failures; k++) {
            gapsByRetry.add(new ArrayList<>());
        }
        for (String job : report.submissions.keySet()) {
            List<Long> gaps = gaps(report, job);
            assertEquals(failures, gaps.size(), job + ": one retry per failure");
            for (int k = 0; k < gaps.size(); k++) {
                long base = INITIAL_BACKOFF_MILLIS << k;
                // Never early: a loaded machine can make a retry late, but nothing makes it early.
                assertTrue(gaps.get(k) >= base * 0.8, job + ": gap " + (k + 1) + " is " + gaps.get(k)
                        + " ms, expected " + base + " ms +-20 %: " + gaps);
                gapsByRetry.get(k).add(gaps.get(k));
            }
            lastGaps.add(gaps.get(failures - 1));
        }
        // Not late as a rule: the typical gap is on schedule even if a busy machine delays a few.
        for (int k = 0; k < failures; k++) {
            long base = INITIAL_BACKOFF_MILLIS << k;
            long median = median(gapsByRetry.get(k));
            assertTrue(median <= base * 1.2 + DISPATCH_SLACK_MILLIS, "median gap " + (k + 1) + " is " + median
                    + " ms, expected " + base + " ms +-20 %: " + gapsByRetry.get(k));
        }
        assertTrue(median(gapsByRetry.get(failures - 1)) > median(gapsByRetry.get(0)),
                "gaps grow: " + gapsByRetry);
        long spread = lastGaps.stream().mapToLong(Long::longValue).max().orElseThrow()
                - lastGaps.stream().mapToLong(Long::longValue).min().orElseThrow();
        // +-20 % of 800 ms is a 320 ms wide band; twenty retries all within 60 ms of each other would mean no jitter.
        assertTrue(spread > 60, "retry delays are jittered, spread " + spread + " ms: " + lastGaps);
        report.assertEveryWebhookAcceptedOnce(0);
    }

    @Test
    @Order(2)
    void slowReceiverTimesOutAndIsRetriedWithTheSameId() throws Exception {
        int slowAnswers = 2;
        RunReport report = deliver("receiver answers after 3 s, timeout 1 s", "/slow/3000/" + slowAnswers + "/");
        for (String job : report.submissions.keySet()) {
            List<WebhookSink.Attempt> attempts = sorted(report, job);
            assertEquals(slowAnswers + 1, attempts.size(), job + ": attempts " + attempts);
            List<Long> gaps = gaps(report, job);
            for (int k = 0; k < gaps.size(); k++) {
                long atLeast = TIMEOUT_MILLIS + (long) ((INITIAL_BACKOFF_MILLIS << k) * 0.8);
                assertTrue(gaps.get(k) >= atLeast, job + ": a timed-out attempt is retried only after the timeout "
                        + "and the backoff: gaps " + gaps);
            }
            assertTrue(attempts.get(slowAnswers).accepted(), job + ": the prompt answer is the accepted one");
        }
        report.assertEveryWebhookAcceptedOnce(0);
    }

    @Test
    @Order(3)
    void retryAfterReplacesTheBackoff() throws Exception {
        RunReport report = deliver("receiver answers 429 with Retry-After: 2", "/retry-after/2/1/");
        List<Long> firstGaps = new ArrayList<>();
        for (String job : report.submissions.keySet()) {
            List<Long> gaps = gaps(report, job);
            assertEquals(1, gaps.size(), job + ": one retry");
            assertTrue(gaps.get(0) >= 2000, job + ": the retry waits Retry-After's 2 s, not the 0.2 s backoff: "
                    + gaps.get(0) + " ms");
            firstGaps.add(gaps.get(0));
        }
        // Nor much more, as a rule: the header replaces the schedule, it does not add to it.
        assertTrue(median(firstGaps) <= 3000 + DISPATCH_SLACK_MILLIS, "retried a median " + median(firstGaps)
                + " ms after a Retry-After of 2 s: " + firstGaps);
        report.assertEveryWebhookAcceptedOnce(0);
    }

    @Test
    @Order(4)
    void receiverDownForAWhileGetsEveryWebhookOnceItIsBack() throws Exception {
        long[] backAt = new long[1];
        RunReport report = new FaultRun(system, "receiver down 6 s").baselineJobs(0).jobs(JOBS).perSecond(20)
                .faultAt(0).run(() -> {
                    system.webhooks.stop();
                    Thread.sleep(6000);
                    system.webhooks.start();
                    backAt[0] = System.currentTimeMillis();
                    return "receiver down 6 s";
                }).print();
        for (String job : report.submissions.keySet()) {
            var accepted = sorted(report, job).stream().filter(WebhookSink.Attempt::accepted).findFirst().orElseThrow();
            assertTrue(accepted.receivedMillis() >= backAt[0] - 50, job + ": delivered after the receiver came back");
        }
        report.assertEveryJobSucceededWithOneResult().assertEveryWebhookAcceptedOnce(0);
    }

    @Test
    @Order(5)
    void goneStopsEveryDeliveryToThatUrl() throws Exception {
        RunReport first = new FaultRun(system, "receiver answers 410").baselineJobs(0).jobs(1).faultAt(0)
                .webhookPath("/gone/").run(() -> "receiver answers 410").print();
        String job = first.submissions.keySet().iterator().next();
        assertEquals(1, first.webhookAttempts.get(job).size(), "410 is not retried");
        assertEquals("gone", first.statuses.get(job).path("webhook").asText());

        RunReport later = new FaultRun(system, "later jobs to the gone URL").baselineJobs(0).jobs(5).faultAt(0)
                .webhookPath("/gone/").run(() -> "URL already gone").print();
        for (String id : later.submissions.keySet()) {
            assertTrue(later.webhookAttempts.getOrDefault(id, List.of()).isEmpty(),
                    id + ": no delivery is attempted to a URL that answered 410");
            assertEquals("gone", later.statuses.get(id).path("webhook").asText());
            assertEquals("SUCCEEDED", later.statuses.get(id).path("state").asText());
        }
    }

    /** A batch of jobs whose webhooks go to {@code path}; the receiver's behaviour is the fault. */
    private RunReport deliver(String scenario, String path) throws Exception {
        return new FaultRun(system, scenario).baselineJobs(0).jobs(JOBS).perSecond(20).faultAt(0).webhookPath(path)
                .run(() -> scenario).print();
    }

    private static List<WebhookSink.Attempt> sorted(RunReport report, String job) {
        return report.webhookAttempts.getOrDefault(job, List.of()).stream()
                .sorted(Comparator.comparingLong(WebhookSink.Attempt::receivedMillis)).toList();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** Milliseconds between successive attempts of one job's webhook, as the receiver saw them. */
    private static List<Long> gaps(RunReport report, String job) {
        List<WebhookSink.Attempt> attempts = sorted(report, job);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            gaps.add(attempts.get(i).receivedMillis() - attempts.get(i - 1).receivedMillis());
        }
        return gaps;
    }
}
