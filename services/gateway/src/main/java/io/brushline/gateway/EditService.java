package io.brushline.gateway;

import io.brushline.common.imaging.ResultFormat;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Hints;
import io.brushline.common.messages.ImageRef;
import io.brushline.common.messages.Point;
import io.brushline.common.net.OutboundUrlPolicy;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.stage.StageProcessor;
import io.brushline.common.state.JobState;
import io.brushline.common.state.JobStore;
import io.brushline.common.storage.ObjectKeys;
import io.brushline.common.storage.ObjectStore;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Accepts an edit: validates it, stores the image, records the job and queues it. Nothing is
 * acknowledged to the client before the image is stored, the job recorded and the message durable
 * in Kafka; if the queue is unreachable the job is marked FAILED and the client told to retry.
 */
@ApplicationScoped
public class EditService {

    private static final Logger LOG = Logger.getLogger(EditService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A validated submission. */
    public record Submission(
            String tenant,
            String instruction,
            byte[] image,
            byte[] hintMask,
            String boxHint,
            String pointsHint,
            String webhookUrl,
            String idempotencyKey,
            byte[] backgroundImage,
            String outputFormat) {

        /** A submission without a background image, its result in the format its image's type gives. */
        public Submission(String tenant, String instruction, byte[] image, byte[] hintMask, String boxHint,
                String pointsHint, String webhookUrl, String idempotencyKey) {
            this(tenant, instruction, image, hintMask, boxHint, pointsHint, webhookUrl, idempotencyKey, null, null);
        }
    }

    /** The job id, and whether this call created it (false: an earlier call with the same key did). */
    public record Accepted(String jobId, boolean created) {
    }

    private final ImageInspector inspector;
    private final ObjectStore storage;
    private final JobStore jobs;
    private final GatewayConfig config;
    private final MutinyEmitter<EditJob> requested;
    private final FailureOutbox failures;
    private final OutboundUrlPolicy outboundPolicy;
    /**
     * Per Idempotency-Key or job id: held at most 60 s (storage and Kafka each time out well before),
     * waited for 20 s before a 409.
     */
    private final SubmissionLock submissionLock;

    public EditService(ImageInspector inspector, ObjectStore storage, JobStore jobs, GatewayConfig config,
            @Channel("edit-requested") MutinyEmitter<EditJob> requested,
            FailureOutbox failures, OutboundUrlPolicy outboundPolicy) {
        this.failures = failures;
        this.outboundPolicy = outboundPolicy;
        this.inspector = inspector;
        this.storage = storage;
        this.jobs = jobs;
        this.config = config;
        this.requested = requested;
        this.submissionLock = new SubmissionLock(jobs, Duration.ofSeconds(60), Duration.ofSeconds(20));
    }

    public Accepted submit(Submission submission) {
        var validated = validate(submission);
        String key = submission.idempotencyKey();
        if (key == null || key.isBlank()) {
            String jobId = UUID.randomUUID().toString();
            accept(jobId, submission, validated, IdMode.FRESH, Map.of());
            return new Accepted(jobId, true);
        }
        return submitOnce(submission, key, validated);
    }

    /**
     * Submits the job under a given id (a batch item: the id derives from the batch and the index),
     * with {@code tags} recorded on the job as it is created. A job of that id that is already queued
     * is the answer, so a repeated submission makes nothing new. Validation failures throw
     * {@link ApiException} before anything is stored; a 503 leaves the job QUEUED and unqueued, for a
     * retry to queue under the same id (never FAILED: a finished job would never run nor end again).
     */
    public Accepted submitAs(String jobId, Submission submission, Map<String, String> tags) {
        var validated = validate(submission);
        return once(submission.tenant(), jobId, () -> accept(jobId, submission, validated, IdMode.FIXED, tags));
    }

    /**
     * Records a job that fails before it could run (a batch item whose image could not be fetched or
     * read) and sends it to {@code edit-failed}, so that it ends like any failed job: its webhook, and
     * its batch's count. Repeating the call for the same id adds nothing once the message is sent.
     */
    public Accepted failAs(String jobId, String tenant, String instruction, String webhookUrl, String code,
            String reason, Map<String, String> tags) {
        return once(tenant, jobId, () -> {
            String traceparent = JobTracing.currentTraceparent().orElseGet(EditService::newTraceparent);
            var failure = new io.brushline.common.messages.Failure("submit", code, reason);
            // The schema wants a positive size; the job itself shows 0x0, as nothing was read.
            EditJob job = new EditJob(EditJob.SCHEMA_VERSION, jobId, tenant, 1, traceparent, Instant.now().toString(),
                    instruction == null ? "" : instruction,
                    new ImageRef(ObjectKeys.source(jobId), "application/octet-stream", 1, 1), null, webhookUrl,
                    null, null, null, null, failure, null);
            Map<String, String> fields = new java.util.HashMap<>(tags);
            fields.put("width", "0");
            fields.put("height", "0");
            jobs.create(job, fields);
            jobs.advance(jobId, JobState.FAILED, JobStore.failureFields(failure));
            try {
                failures.send(job);
            } catch (RuntimeException e) {
                // held either way; while the breaker is open (a send was refused just now) a batch cut short
                // would log one line per item, so only a refused send is logged
                if (!(e instanceof CircuitBreakerOpenException)) {
                    LOG.warnf("failed job %s could not be sent; it is held and sent again later: %s", jobId,
                            e.getMessage());
                }
                throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "queue_unavailable",
                        "the job queue is unreachable right now; retry later");
            }
            markEnqueued(jobId);
        });
    }

    /** One submission of a given job id at a time; a job already queued is returned as it is. */
    private Accepted once(String tenant, String jobId, Runnable submit) {
        String lock = "job:" + jobId;
        Optional<Accepted> queuedMeanwhile = submissionLock.acquire(tenant, lock,
                () -> jobs.isEnqueued(jobId) ? Optional.of(new Accepted(jobId, false)) : Optional.empty(),
                "job " + jobId + " is still being submitted by another request; retry in a few seconds");
        if (queuedMeanwhile.isPresent()) {
            return queuedMeanwhile.get();
        }
        try {
            if (jobs.isEnqueued(jobId)) {
                return new Accepted(jobId, false);
            }
            submit.run();
            return new Accepted(jobId, true);
        } finally {
            submissionLock.release(tenant, lock);
        }
    }

    /** Checks everything about a submission that can be checked before storing anything. */
    private Validated validate(Submission submission) {
        String instruction = validInstruction(submission.instruction());
        String webhookUrl = validWebhookUrl(submission.webhookUrl());
        var image = inspector.inspect(submission.image(), "image");
        Box box = HintParser.box(submission.boxHint(), image.width(), image.height());
        List<Point> points = HintParser.points(submission.pointsHint(), image.width(), image.height());
        if (submission.hintMask() != null) {
            var mask = inspector.inspect(submission.hintMask(), "mask");
            if (mask.width() != image.width() || mask.height() != image.height()) {
                throw ApiException.badRequest("invalid_hint", "the mask is " + mask.width() + "x" + mask.height()
                        + " but the image is " + image.width() + "x" + image.height() + "; they must match");
            }
        }
        if (submission.backgroundImage() != null) {
            // any size or shape will do: it is scaled to cover the photo, and the job says so
            inspector.inspect(submission.backgroundImage(), "background_image");
        }

        ResultFormat resultFormat = ResultFormat.requested(submission.outputFormat(), image.contentType())
                .orElseThrow(() -> ApiException.badRequest("invalid_output_format", "output_format must be png, "
                        + "jpeg or auto, not '" + submission.outputFormat().strip() + "'"));
        return new Validated(instruction, webhookUrl, image, new Hints(box, points, null), resultFormat);
    }

    private record Validated(String instruction, String webhookUrl, ImageInspector.ImageInfo image, Hints hints,
            ResultFormat resultFormat) {
    }

    /**
     * One request per Idempotency-Key submits at a time (a lock with a lease in Redis, so a gateway that
     * dies holding it blocks the key for {@link #SUBMISSION_LEASE} at most); the others wait for its
     * outcome and answer with the same job. Two parallel requests never create two jobs.
     */
    private Accepted submitOnce(Submission submission, String key, Validated validated) {
        Optional<Accepted> answeredMeanwhile = submissionLock.acquire(submission.tenant(), key, () -> jobs
                .idempotencyBinding(submission.tenant(), key).filter(jobs::isEnqueued).map(id -> new Accepted(id, false)),
                "another request with the same Idempotency-Key is still being processed; retry in a few seconds");
        if (answeredMeanwhile.isPresent()) {
            return answeredMeanwhile.get();
        }
        try {
            String jobId = UUID.randomUUID().toString();
            Optional<String> existing = jobs.claimIdempotencyKey(submission.tenant(), key, jobId,
                    config.idempotencyTtl());
            if (existing.isPresent()) {
                Optional<JobState> state = jobs.state(existing.get());
                // Queued, moving or finished: the job is the answer, and a finished one stays as it ended.
                if (jobs.isEnqueued(existing.get()) || state.filter(s -> s != JobState.QUEUED).isPresent()) {
                    return new Accepted(existing.get(), false);
                }
                // The first call with this key died before its job was queued: finish it under the same id.
                jobId = existing.get();
            }
            accept(jobId, submission, validated, IdMode.KEYED, Map.of());
            return new Accepted(jobId, true);
        } finally {
            submissionLock.release(submission.tenant(), key);
        }
    }

    /** Where the job id came from: random, bound to an Idempotency-Key, or fixed by the caller. */
    private enum IdMode {
        FRESH, KEYED, FIXED
    }

    private void accept(String jobId, Submission submission, Validated validated, IdMode mode,
            Map<String, String> tags) {
        // The job's trace starts at the HTTP request that submits it (a fresh one when tracing is off).
        String traceparent = JobTracing.currentTraceparent().orElseGet(EditService::newTraceparent);
        Runnable clearLogContext = JobTracing.logContext(jobId, traceparent);
        try {
            queue(jobId, submission, validated, mode, tags, traceparent);
        } finally {
            clearLogContext.run();
        }
    }

    /**
     * Stores the images, records the job and queues it; returns once the message is durable in Kafka.
     * A 503 means nothing will run: the job is marked FAILED first (stages skip a finished job even if
     * the message did reach Kafka) and only then is the key released for a fresh attempt. When even
     * that mark fails, the key stays bound, so that the client's retry finishes this same job.
     */
    private void queue(String jobId, Submission submission, Validated validated, IdMode mode,
            Map<String, String> tags, String traceparent) {
        storage.put(ObjectKeys.source(jobId), submission.image(), validated.image().contentType());
        Hints hints = validated.hints();
        if (submission.hintMask() != null) {
            storage.put(ObjectKeys.hintMask(jobId), submission.hintMask(), "image/png");
            hints = new Hints(hints.box(), hints.points(), ObjectKeys.hintMask(jobId));
        }
        if (submission.backgroundImage() != null) {
            storage.put(ObjectKeys.backgroundImage(jobId), submission.backgroundImage(), "application/octet-stream");
            hints = new Hints(hints.box(), hints.points(), hints.maskKey(), ObjectKeys.backgroundImage(jobId));
        }
        var image = validated.image();
        EditJob job = new EditJob(EditJob.SCHEMA_VERSION, jobId, submission.tenant(), 1, traceparent,
                Instant.now().toString(), validated.instruction(),
                new ImageRef(ObjectKeys.source(jobId), image.contentType(), image.width(), image.height()),
                hints.isEmpty() && hints.backgroundKey() == null ? null : hints, validated.webhookUrl(),
                null, null, null, null, null, null).withResultFormat(validated.resultFormat());
        jobs.create(job, tags);
        try {
            requested.sendMessageAndAwait(StageProcessor.keyed(job));
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s could not be queued", jobId);
            if (mode == IdMode.FIXED) {
                // A job of a fixed id stays QUEUED: the retry queues it under the same id.
                throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "queue_unavailable",
                        "the job queue is unreachable right now; retry later");
            }
            try {
                jobs.advance(jobId, JobState.FAILED, Map.of("failureStage", "submit", "failureCode",
                        "queue_unavailable", "reason", "the job queue is unreachable; nothing was processed"));
                if (mode == IdMode.KEYED) {
                    jobs.releaseIdempotencyKey(submission.tenant(), submission.idempotencyKey());
                }
            } catch (RuntimeException redisToo) {
                LOG.errorf(redisToo, "job %s could not be marked failed; its key stays bound to it", jobId);
            }
            throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "queue_unavailable",
                    "the job queue is unreachable right now; the edit was not accepted, retry later");
        }
        markEnqueued(jobId);
        LOG.infof("job %s queued", jobId);
    }

    private void markEnqueued(String jobId) {
        try {
            jobs.markEnqueued(jobId);
        } catch (RuntimeException e) {
            // The message is durable: the job runs, so the client is told it was accepted.
            LOG.warnf("job %s is queued but could not be marked so: %s", jobId, e.toString());
        }
    }

    /** Cancels a job that has not finished; returns the state it is in afterwards. */
    public Optional<JobState> cancel(String jobId) {
        return jobs.advance(jobId, JobState.CANCELED).map(before -> before.isTerminal() ? before : JobState.CANCELED);
    }

    private String validInstruction(String raw) {
        String instruction = raw == null ? "" : raw.replaceAll("\\p{Cntrl}", " ").strip();
        if (instruction.isEmpty()) {
            throw ApiException.badRequest("invalid_instruction", "the instruction is empty; say what to change, "
                    + "for example 'remove the dog'");
        }
        if (instruction.length() > config.maxInstructionLength()) {
            throw ApiException.badRequest("invalid_instruction", "the instruction has " + instruction.length()
                    + " characters; the limit is " + config.maxInstructionLength());
        }
        return instruction;
    }

    /** The webhook URL as the outbound policy allows it, or null when none is given; a 400 otherwise. */
    String validWebhookUrl(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return outboundPolicy.check(raw).toString();
        } catch (OutboundUrlPolicy.Refused e) {
            throw ApiException.badRequest("invalid_webhook_url", "webhook_url refused: " + e.getMessage());
        }
    }

    /** A fresh W3C trace context, so the job's hops can be correlated in logs even without tracing. */
    static String newTraceparent() {
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        RANDOM.nextBytes(trace);
        RANDOM.nextBytes(span);
        return "00-" + HexFormat.of().formatHex(trace) + "-" + HexFormat.of().formatHex(span) + "-01";
    }
}
