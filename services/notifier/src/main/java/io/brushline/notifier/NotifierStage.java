package io.brushline.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.messages.EditJob;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.stage.IncomingRecords;
import io.brushline.common.stage.Retrying;
import io.brushline.common.state.JobStore;
import io.opentelemetry.api.trace.SpanKind;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Turns finished jobs into webhook deliveries. The Kafka record is acknowledged only once the
 * delivery is durable in Redis; the delivery itself happens in {@link WebhookDispatcher}.
 */
@ApplicationScoped
public class NotifierStage {

    private final DeliveryQueue queue;
    private final JobStore jobs;
    private final ObjectMapper json;
    private final IncomingRecords incoming;
    private final Retrying retrying;
    private final JobTracing tracing;

    public NotifierStage(DeliveryQueue queue, JobStore jobs, ObjectMapper json, IncomingRecords incoming,
            Retrying retrying, JobTracing tracing) {
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
        receive(record, "edit.succeeded", "SUCCEEDED");
    }

    @Incoming("edit-failed")
    @Blocking(ordered = false)
    public void failed(ConsumerRecord<String, String> record) {
        receive(record, "edit.failed", "FAILED");
    }

    /** Redis briefly unreachable must not lose the event: reading and scheduling are retried. */
    private void receive(ConsumerRecord<String, String> record, String type, String state) {
        retrying.run("webhook for record " + record.topic() + "-" + record.partition() + "@" + record.offset(),
                () -> incoming.parse(record).ifPresent(job -> schedule(job, type, state)));
    }

    private void schedule(EditJob job, String type, String state) {
        if (job.webhookUrl() == null) {
            return;
        }
        // The delivery keeps this span's context: its HTTP calls, made later, join the job's trace.
        try (JobTracing.JobSpan span = tracing.open("notify", SpanKind.CONSUMER, job.jobId(), job.traceparent())) {
            enqueue(job, type, state, span.traceparent());
        }
    }

    private void enqueue(EditJob job, String type, String state, String traceparent) {
        // One id per job: every retry and every redelivered event carries the same webhook-id.
        String webhookId = "msg_" + job.jobId();
        if (queue.enqueue(job.jobId(), webhookId, job.webhookUrl(), body(job, type, state), traceparent)) {
            jobs.recordWebhookStatus(job.jobId(), "pending");
        }
    }

    private String body(EditJob job, String type, String state) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", job.jobId());
        data.put("state", state);
        data.put("instruction", job.instruction());
        if (job.classification() != null) {
            data.put("category", job.classification().category());
            data.put("object", job.classification().object());
            data.put("target_prompt", job.classification().targetPrompt());
        }
        if (job.result() != null) {
            data.put("result_url", "/v1/edits/" + job.jobId() + "/result");
        }
        if (job.failure() != null) {
            data.put("failure", Map.of("stage", job.failure().stage(), "code", job.failure().code(),
                    "reason", job.failure().reason()));
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("timestamp", Instant.now().toString());
        event.put("data", data);
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
