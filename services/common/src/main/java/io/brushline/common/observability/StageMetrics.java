package io.brushline.common.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's own Prometheus metrics (scraped at {@code /q/metrics}). Names follow Micrometer's
 * conventions; the Prometheus registry turns {@code brushline.stage.jobs} into
 * {@code brushline_stage_jobs_total} and timers into {@code _seconds} histograms. Kafka consumer lag
 * and HTTP server metrics come from Quarkus' own Micrometer binders. See docs/observability.md.
 */
@ApplicationScoped
public class StageMetrics {

    /** The {@code code} tag of jobs that did not fail, so that every series has the same tags. */
    public static final String NO_FAILURE = "none";

    // Painting on a GPU can take minutes; Micrometer's default histogram stops at 30 s.
    private static final Duration LONGEST_EXPECTED = Duration.ofMinutes(10);

    private final MeterRegistry registry;

    public StageMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A job this stage sent on. */
    public void succeeded(String stage) {
        jobs(stage, "succeeded", NO_FAILURE).increment();
    }

    /** A job this stage failed, with the failure code the user sees. */
    public void failed(String stage, String code) {
        jobs(stage, "failed", code).increment();
    }

    /** A redelivered, canceled or finished job this stage left alone. */
    public void skipped(String stage) {
        jobs(stage, "skipped", NO_FAILURE).increment();
    }

    /** Compute and image codecs: the stage's work less its waits on object storage. */
    public void engineTime(String stage, long nanos) {
        timer("brushline.stage.engine", "Time a stage spent computing, per job", stage).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Time a stage waited on object storage for one job. */
    public void storageTime(String stage, long nanos) {
        timer("brushline.stage.storage", "Time a stage waited on object storage, per job", stage)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** From the previous stage sending the job to this stage picking it up (Kafka and queueing). */
    public void handoffWait(String stage, long millis) {
        timer("brushline.stage.handoff.wait", "Time a job waited between two stages", stage)
                .record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** One painter run over {@code size} jobs (1 for a job painted alone), and how long it held the painter. */
    public void paintBatch(int size, long nanos) {
        DistributionSummary.builder("brushline.paint.batch.size")
                // No base unit: Prometheus would append it to the name.
                .description("Jobs painted together in one painter run")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32)
                .register(registry)
                .record(size);
        // rate(brushline_paint_batch_seconds_sum) is the fraction of time the painter (the GPU) is busy.
        Timer.builder("brushline.paint.batch")
                .description("Time a painter run held the painter")
                .publishPercentileHistogram()
                .maximumExpectedValue(LONGEST_EXPECTED)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One webhook attempt, by result: delivered, retry, exhausted, gone or refused. */
    public void webhookAttempt(String result) {
        Counter.builder("brushline.webhook.attempts")
                .description("Webhook delivery attempts by result")
                .tag("result", result)
                .register(registry)
                .increment();
    }

    private Counter jobs(String stage, String outcome, String code) {
        return Counter.builder("brushline.stage.jobs")
                .description("Jobs a stage finished, by outcome and failure code")
                .tag("stage", stage)
                .tag("outcome", outcome)
                .tag("code", code)
                .register(registry);
    }

    private Timer timer(String name, String description, String stage) {
        return Timer.builder(name)
                .description(description)
                .tag("stage", stage)
                .publishPercentileHistogram()
                .maximumExpectedValue(LONGEST_EXPECTED)
                .register(registry);
    }
}
