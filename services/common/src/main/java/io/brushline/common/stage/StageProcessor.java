package io.brushline.common.stage;

import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Failure;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.observability.StageMetrics;
import io.brushline.common.state.JobState;
import io.brushline.common.state.JobStore;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectStore;
import io.opentelemetry.api.trace.SpanKind;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.inject.Inject;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * What every pipeline stage does around its own logic: skip jobs that are finished or already past
 * this stage (redeliveries), record the state transition and the engine time, retry failures that
 * may heal with exponential backoff, and send the job on only once the output is durable in Kafka.
 * Failures that will not heal go to {@code edit-failed} and then mark the job FAILED; a canceled job
 * met here goes to {@code edit-failed} too, so that the notifier tells its owner.
 *
 * <p>A subclass consumes its topic with {@code @Incoming} and calls {@link #handle(ConsumerRecord)}.
 */
public abstract class StageProcessor {

    private static final Logger LOG = Logger.getLogger(StageProcessor.class);

    @Inject
    protected JobStore jobs;

    @Inject
    @Channel("edit-failed")
    MutinyEmitter<EditJob> failed;

    @Inject
    IncomingRecords incoming;

    @Inject
    Retrying retrying;

    @Inject
    StageMetrics metrics;

    @Inject
    JobTracing tracing;

    private final String stageName;
    private final JobState runningState;

    /**
     * @param stageName the stage's name as it appears in timings and failure reasons
     * @param runningState the state the job is in while this stage works on it
     */
    protected StageProcessor(String stageName, JobState runningState) {
        this.stageName = stageName;
        this.runningState = runningState;
    }

    /** Where the job goes next. */
    protected abstract MutinyEmitter<EditJob> next();

    /** Where this job goes next, for stages that route by what they decided; {@link #next()} by default. */
    protected MutinyEmitter<EditJob> next(EditJob output) {
        return next();
    }

    /** This stage's work; throws {@link StageFailure} for what retrying will not fix. */
    protected abstract EditJob process(EditJob job);

    /** Whether the job is done when this stage has sent it on (the last stage). */
    protected boolean completesJob() {
        return false;
    }

    /**
     * Runs the stage for one record, retrying with backoff whatever may heal (Redis, object storage or
     * Kafka briefly unreachable), reading the record included, within one retry budget per record.
     * Every step is idempotent, so a retry starts from the top. A job that keeps failing is marked
     * FAILED and the record, rethrown, is parked on the dead-letter topic by the connector.
     */
    protected void handle(ConsumerRecord<String, String> record) {
        String what = stageName + " of record " + record.topic() + "-" + record.partition() + "@" + record.offset();
        Optional<EditJob> job;
        try {
            job = retrying.run(what, () -> incoming.parse(record));
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "%s could not be processed", what);
            throw e;
        }
        job.ifPresent(parsed -> handle(record, parsed, what + " (job " + parsed.jobId() + ")"));
    }

    /** One job, in its own span: the job's next message names this span as its parent. */
    private void handle(ConsumerRecord<String, String> record, EditJob parsed, String what) {
        metrics.handoffWait(stageName, System.currentTimeMillis() - record.timestamp());
        try (JobTracing.JobSpan span = tracing.open(stageName, SpanKind.CONSUMER, parsed.jobId(), parsed.traceparent())) {
            EditJob job = parsed.withTraceparent(span.traceparent());
            try {
                retrying.run(what, () -> {
                    if (job.failure() != null) {
                        // The record could not be read (see IncomingRecords): a job still running ends here,
                        // with its webhook; one that has ended already stays as it ended.
                        if (!jobs.state(job.jobId()).map(JobState::isTerminal).orElse(true)) {
                            span.failed(job.failure().code(), job.failure().reason());
                            fail(job);
                        }
                        return;
                    }
                    try {
                        run(record, job);
                    } catch (StageFailure failure) {
                        span.failed(failure.code(), failure.getMessage());
                        fail(job, failure.code(), failure.getMessage());
                    } catch (MissingObjectException missing) {
                        String reason = "an image of this job is no longer stored; resubmit the edit";
                        span.failed(FailureCodes.MISSING_IMAGE, reason);
                        fail(job, FailureCodes.MISSING_IMAGE, reason);
                    }
                });
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "%s could not be processed", what);
                span.failed(FailureCodes.INTERNAL, String.valueOf(e.getMessage()));
                giveUp(job, e);
                throw e;
            }
        }
    }

    private void run(ConsumerRecord<String, String> record, EditJob job) {
        // What earlier stages decided is written with this stage's own state change: one round trip.
        Optional<JobState> previous = jobs.advance(job.jobId(), runningState, JobStore.decidedFields(job));
        if (previous.isEmpty()) {
            incoming.park(record, "no job with id " + job.jobId());
            return;
        }
        JobState before = previous.get();
        if (before == JobState.CANCELED) {
            // The first stage to meet a canceled job announces it; the notifier sends one webhook per job.
            failed.sendMessageAndAwait(keyed(job.withFailure(
                    new Failure(stageName, FailureCodes.CANCELED, "the job was canceled"))));
            return;
        }
        if (before.isTerminal() || before.ordinal() > runningState.ordinal()) {
            LOG.debugf("job %s is %s, skipping %s", job.jobId(), before, stageName);
            metrics.skipped(stageName);
            return;
        }
        long started = System.nanoTime();
        long ioBefore = ObjectStore.ioNanosOnThisThread();
        EditJob output = process(job);
        long storageNanos = ObjectStore.ioNanosOnThisThread() - ioBefore;
        // Engine time = compute and image codecs: the stage's work less its waits on object storage.
        long engineNanos = System.nanoTime() - started - storageNanos;
        long engineMillis = engineNanos / 1_000_000;
        output = output.withStageTimes(stageName, engineMillis, storageNanos / 1_000_000);
        next(output).sendMessageAndAwait(keyed(output));
        if (completesJob()) {
            jobs.advance(job.jobId(), JobState.SUCCEEDED, JobStore.decidedFields(output));
        }
        metrics.succeeded(stageName);
        metrics.engineTime(stageName, engineNanos);
        metrics.storageTime(stageName, storageNanos);
        LOG.infof("job %s: %s done, engine %d ms, storage %d ms", job.jobId(), stageName, engineMillis,
                storageNanos / 1_000_000);
    }

    private void giveUp(EditJob job, Throwable cause) {
        try {
            fail(job, FailureCodes.INTERNAL, FailureReasons.internal(stageName, cause));
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s could not be marked failed either", job.jobId());
        }
    }

    /**
     * The failure event is durable before the job reads FAILED: a send that fails, or a crash before
     * the mark, leaves the job running, so the redelivered record fails it again and sends again
     * (the notifier keeps one webhook per job). Marking first would let the redelivery skip a
     * finished job whose webhook was never scheduled.
     */
    private void fail(EditJob job, String code, String reason) {
        fail(job.withFailure(new Failure(stageName, code, reason)));
    }

    private void fail(EditJob failedJob) {
        failed.sendMessageAndAwait(keyed(failedJob));
        jobs.advance(failedJob.jobId(), JobState.FAILED, JobStore.decidedFields(failedJob));
        metrics.failed(stageName, failedJob.failure().code());
        LOG.infof("job %s: %s failed (%s): %s", failedJob.jobId(), stageName, failedJob.failure().code(),
                failedJob.failure().reason());
    }

    /** Kafka record key = job id, so every message of a job lands on the same partition. */
    public static Message<EditJob> keyed(EditJob job) {
        return Message.of(job).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(job.jobId()).build());
    }
}
