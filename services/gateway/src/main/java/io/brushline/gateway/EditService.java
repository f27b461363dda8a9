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

    /** A validated submission. */
    public record Submission(
            String tenant,
            String instruction,
            byte[] image,
            byte[] hintMask,
            String boxHint,
            String pointsHint,
            String webhookUrl,
            String idempotencyKey) {
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

        String jobId = UUID.randomUUID().toString();
        String key = submission.idempotencyKey();
        boolean keyed = key != null && !key.isBlank();
        if (keyed) {
            Optional<String> existing = jobs.claimIdempotencyKey(submission.tenant(), key, jobId,
                    config.idempotencyTtl());
            if (existing.isPresent()) {
                if (jobs.isEnqueued(existing.get())) {
                    return new Accepted(existing.get(), false);
                }
                // The first call with this key died before its job was queued: finish it under the same id.
                jobId = existing.get();
            }
        }
        try {
            accept(jobId, submission, instruction, webhookUrl, image, new Hints(box, points, null));
            return new Accepted(jobId, true);
        } catch (RuntimeException e) {
            if (keyed) {
                jobs.releaseIdempotencyKey(submission.tenant(), key);
            }
            throw e;
        }
    }

    /** Stores the images, records the job and queues it; returns once the message is durable in Kafka. */
    private void accept(String jobId, Submission submission, String instruction, String webhookUrl,
            ImageInspector.ImageInfo image, Hints locationHints) {
        // The job's trace starts at the HTTP request that submits it (a fresh one when tracing is off).
        String traceparent = JobTracing.currentTraceparent().orElseGet(EditService::newTraceparent);
        Runnable clearLogContext = JobTracing.logContext(jobId, traceparent);
        try {
            queue(jobId, submission, instruction, webhookUrl, image, locationHints, traceparent);
        } finally {
            clearLogContext.run();
        }
    }

    private void queue(String jobId, Submission submission, String instruction, String webhookUrl,
            ImageInspector.ImageInfo image, Hints locationHints, String traceparent) {
        storage.put(ObjectKeys.source(jobId), submission.image(), image.contentType());
        Hints hints = locationHints;
        if (submission.hintMask() != null) {
            storage.put(ObjectKeys.hintMask(jobId), submission.hintMask(), "image/png");
            hints = new Hints(locationHints.box(), locationHints.points(), ObjectKeys.hintMask(jobId));
        }
        EditJob job = new EditJob(EditJob.SCHEMA_VERSION, jobId, submission.tenant(), 1, traceparent,
                Instant.now().toString(), instruction,
                new ImageRef(ObjectKeys.source(jobId), image.contentType(), image.width(), image.height()),
                hints.isEmpty() ? null : hints, webhookUrl, null, null, null, null, null, null);
        jobs.create(job);
        try {
            requested.sendMessageAndAwait(StageProcessor.keyed(job));
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s could not be queued", jobId);
            jobs.advance(jobId, JobState.FAILED, Map.of("failureStage", "submit", "failureCode",
                    "queue_unavailable", "reason", "the job queue is unreachable; nothing was processed"));
            throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "queue_unavailable",
                    "the job queue is unreachable right now; the edit was not accepted, retry later");
        }
        jobs.markEnqueued(jobId);
        LOG.infof("job %s queued", jobId);
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
