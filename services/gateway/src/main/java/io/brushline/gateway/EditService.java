package io.brushline.gateway;

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
    /** How long a request waits for another one with the same Idempotency-Key before answering 409. */
    private static final Duration SUBMISSION_WAIT = Duration.ofSeconds(20);
    /** Longest a submission may hold its key's lock (storage and Kafka each time out well before). */
    private static final Duration SUBMISSION_LEASE = Duration.ofSeconds(60);

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
            byte[] backgroundImage) {

        /** A submission without a background image. */
        public Submission(String tenant, String instruction, byte[] image, byte[] hintMask, String boxHint,
                String pointsHint, String webhookUrl, String idempotencyKey) {
            this(tenant, instruction, image, hintMask, boxHint, pointsHint, webhookUrl, idempotencyKey, null);
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
    private final OutboundUrlPolicy outboundPolicy;

    public EditService(ImageInspector inspector, ObjectStore storage, JobStore jobs, GatewayConfig config,
            @Channel("edit-requested") MutinyEmitter<EditJob> requested, OutboundUrlPolicy outboundPolicy) {
        this.outboundPolicy = outboundPolicy;
        this.inspector = inspector;
        this.storage = storage;
        this.jobs = jobs;
        this.config = config;
        this.requested = requested;
    }

    public Accepted submit(Submission submission) {
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

        var validated = new Validated(instruction, webhookUrl, image, new Hints(box, points, null));
        String key = submission.idempotencyKey();
        if (key == null || key.isBlank()) {
            String jobId = UUID.randomUUID().toString();
            accept(jobId, submission, validated, false);
            return new Accepted(jobId, true);
        }
        return submitOnce(submission, key, validated);
    }

    private record Validated(String instruction, String webhookUrl, ImageInspector.ImageInfo image, Hints hints) {
    }

    /**
     * One request per Idempotency-Key submits at a time (a lock with a lease in Redis, so a gateway that
     * dies holding it blocks the key for {@link #SUBMISSION_LEASE} at most); the others wait for its
     * outcome and answer with the same job. Two parallel requests never create two jobs.
     */
    private Accepted submitOnce(Submission submission, String key, Validated validated) {
        long deadline = System.nanoTime() + SUBMISSION_WAIT.toNanos();
        while (!jobs.lockSubmission(submission.tenant(), key, SUBMISSION_LEASE)) {
            Optional<String> bound = jobs.idempotencyBinding(submission.tenant(), key);
            if (bound.isPresent() && jobs.isEnqueued(bound.get())) {
                return new Accepted(bound.get(), false);
            }
            if (System.nanoTime() > deadline) {
                throw new ApiException(Response.Status.CONFLICT, "idempotency_key_in_use", "another request with the "
                        + "same Idempotency-Key is still being processed; retry in a few seconds");
            }
            pause();
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
            accept(jobId, submission, validated, true);
            return new Accepted(jobId, true);
        } finally {
            jobs.unlockSubmission(submission.tenant(), key);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "interrupted", "the gateway is shutting down; "
                    + "retry the request");
        }
    }

    private void accept(String jobId, Submission submission, Validated validated, boolean keyed) {
        // The job's trace starts at the HTTP request that submits it (a fresh one when tracing is off).
        String traceparent = JobTracing.currentTraceparent().orElseGet(EditService::newTraceparent);
        Runnable clearLogContext = JobTracing.logContext(jobId, traceparent);
        try {
            queue(jobId, submission, validated, keyed, traceparent);
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
    private void queue(String jobId, Submission submission, Validated validated, boolean keyed, String traceparent) {
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
                null, null, null, null, null, null);
        jobs.create(job);
        try {
            requested.sendMessageAndAwait(StageProcessor.keyed(job));
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s could not be queued", jobId);
            try {
                jobs.advance(jobId, JobState.FAILED, Map.of("failureStage", "submit", "failureCode",
                        "queue_unavailable", "reason", "the job queue is unreachable; nothing was processed"));
                if (keyed) {
                    jobs.releaseIdempotencyKey(submission.tenant(), submission.idempotencyKey());
                }
            } catch (RuntimeException redisToo) {
                LOG.errorf(redisToo, "job %s could not be marked failed; its key stays bound to it", jobId);
            }
            throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "queue_unavailable",
                    "the job queue is unreachable right now; the edit was not accepted, retry later");
        }
        try {
            jobs.markEnqueued(jobId);
            LOG.infof("job %s queued", jobId);
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

    private String validWebhookUrl(String raw) {
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
    private static String newTraceparent() {
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        RANDOM.nextBytes(trace);
        RANDOM.nextBytes(span);
        return "00-" + HexFormat.of().formatHex(trace) + "-" + HexFormat.of().formatHex(span) + "-01";
    }
}
