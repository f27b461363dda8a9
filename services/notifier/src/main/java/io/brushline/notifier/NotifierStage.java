package io.brushline.notifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.messages.EditJob;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.stage.IncomingRecords;
import io.brushline.common.stage.Retrying;
import io.brushline.common.stage.StageProcessor;
import io.brushline.common.state.JobState;
import io.brushline.common.state.JobStore;
import io.opentelemetry.api.trace.SpanKind;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Turns finished jobs into webhook deliveries. The job is moved to its terminal state before the
 * delivery is scheduled, so that a receiver that fetches the job on the webhook sees the state the
 * webhook announces; a job that reached another terminal state first (canceled while painting, say)
 * is announced as what it is. The Kafka record is acknowledged only once the delivery is durable in
 * Redis; the delivery itself happens in {@link WebhookDispatcher}.
 *
 * <p>A removal made for a dataset job (its {@link EditJob#dataset() dataset} set) has no webhook of its
 * own and belongs to no batch: it ends here and goes on, unchanged, to {@code dataset-removed}, where the
 * removal is verified and counted once for its dataset, so a redelivered event is harmless there too.
 */
@ApplicationScoped
public class NotifierStage {

    private final DeliveryQueue queue;
    private final JobStore jobs;
    private final ObjectMapper json;
    private final IncomingRecords incoming;
    private final Retrying retrying;
    private final JobTracing tracing;
    private final BatchCompletion batches;
    private final MutinyEmitter<EditJob> datasetRemoved;

    public NotifierStage(DeliveryQueue queue, JobStore jobs, ObjectMapper json, IncomingRecords incoming,
            Retrying retrying, JobTracing tracing, BatchCompletion batches,
            @Channel("dataset-removed") MutinyEmitter<EditJob> datasetRemoved) {
        this.batches = batches;
        this.datasetRemoved = datasetRemoved;
        this.retrying = retrying;
        this.tracing = tracing;
        this.queue = queue;
        this.jobs = jobs;
        this.json = json;
        this.incoming = incoming;
    }

    @Incoming("edit-completed")
    @Blocking(ordered = false)
    public void completed(ConsumerRecord<String, String> record) {
        receive(record, JobState.SUCCEEDED);
    }

    /** Failed jobs, and canceled ones (a stage that meets a canceled job sends it here). */
    @Incoming("edit-failed")
    @Blocking(ordered = false)
    public void failed(ConsumerRecord<String, String> record) {
        receive(record, JobState.FAILED);
    }

    /** Redis briefly unreachable must not lose the event: reading and scheduling are retried. */
    private void receive(ConsumerRecord<String, String> record, JobState outcome) {
        retrying.run("webhook for record " + record.topic() + "-" + record.partition() + "@" + record.offset(),
                () -> incoming.parse(record).ifPresent(job -> {
                    JobState state = job.failure() != null ? JobState.FAILED : outcome;
                    if (job.dataset() != null) {
                        forwardToDataset(job, state);
                    } else {
                        finish(record, job, state);
                    }
                }));
    }

    /**
     * Ends a dataset's removal job and passes it on; the record is acknowledged only once the send is
     * done, so a crash in between sends it again. It goes on even when its job hash is gone: the dataset
     * waits for every removal it queued.
     */
    private void forwardToDataset(EditJob job, JobState outcome) {
        jobs.advance(job.jobId(), outcome, JobStore.decidedFields(job));
        datasetRemoved.sendMessageAndAwait(StageProcessor.keyed(job));
    }

    private void finish(ConsumerRecord<String, String> record, EditJob job, JobState outcome) {
        // What the stages decided and the failure go with the final transition (an unreadable record's
        // job has its failure nowhere else yet), so the webhook below reads them whichever write came first.
        // One round trip: the final transition, and the job as stored for the webhook and its batch.
        Optional<JobStore.Advanced> advanced = jobs.advanceAndRead(job.jobId(), outcome,
                JobStore.decidedFields(job));
        if (advanced.isEmpty()) {
            incoming.park(record, "no job with id " + job.jobId());
            return;
        }
        JobState before = advanced.get().before();
        JobState state = before.isTerminal() ? before : outcome;
        Map<String, String> stored = advanced.get().fields();
        String url = job.webhookUrl() != null ? job.webhookUrl() : stored.get("webhookUrl");
        if (url != null) {
            // The delivery keeps this span's context: its HTTP calls, made later, join the job's trace.
            try (JobTracing.JobSpan span = tracing.open("notify", SpanKind.CONSUMER, job.jobId(),
                    job.traceparent())) {
                // One id per job: every retry and every redelivered event carries the same webhook-id.
                String webhookId = "msg_" + job.jobId();
                if (queue.enqueue(job.jobId(), webhookId, job.tenant(), url, body(job.jobId(), state, stored),
                        span.traceparent())) {
                    jobs.recordWebhookStatus(job.jobId(), "pending");
                }
            }
        }
        // After the job's own webhook: a batch item is counted once it is terminal and announced.
        batches.itemEnded(stored);
    }

    /** The event as the job reads in Redis once terminal: what the API shows is what the webhook says. */
    private String body(String jobId, JobState state, Map<String, String> stored) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", jobId);
        data.put("state", state.name());
        data.put("instruction", stored.get("instruction"));
        if (stored.containsKey("category")) {
            data.put("category", stored.get("category"));
            data.put("object", stored.get("object"));
            data.put("target_prompt", stored.get("targetPrompt"));
        }
        if (state == JobState.SUCCEEDED && stored.containsKey("resultKey")) {
            data.put("result_url", "/v1/edits/" + jobId + "/result");
            data.put("result_type", JobStore.resultType(stored));
        }
        if (state == JobState.FAILED && stored.containsKey("reason")) {
            data.put("failure", Map.of("stage", stored.getOrDefault("failureStage", ""),
                    "code", stored.getOrDefault("failureCode", ""), "reason", stored.get("reason")));
        }
        if (stored.containsKey("batchId")) {
            data.put("batch_id", stored.get("batchId"));
            data.put("batch_index", Integer.valueOf(stored.get("batchIndex")));
        }
        return WebhookSubjects.event(json, "edit." + state.name().toLowerCase(Locale.ROOT), data);
    }
}
