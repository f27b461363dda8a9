package io.brushline.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Failure;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.IncomingRecords;
import io.brushline.common.stage.Retrying;
import io.brushline.common.state.JobState;
import io.brushline.common.state.JobStore;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Reads {@code edit-dead-letter} and keeps every job alive: a record parked while its job is still
 * running goes back, unchanged, on the topic it came from, after a delay; after {@code
 * brushline.dead-letter.max-replays} replays its job is failed ({@code internal_error}) through {@code
 * edit-failed}, so that the owner gets the webhook. Records of jobs that have ended or do not exist stay
 * parked. The rules are in {@link DeadLetterPolicy}. Records a stopping service refuses are not parked
 * at all ({@code ParkUnlessStopping} leaves them uncommitted); this is the line behind that, for any
 * other way a running job's record ends up here (a stage whose give-up could not mark the job FAILED,
 * records parked before that strategy was in place).
 *
 * <p>It runs in the notifier because the notifier owns the end of every job and is the one service
 * every deployment runs: a job that cannot go on is ended here, the way every other job ends.
 * A replay of a record that had in fact been processed is harmless: a stage skips a job that has
 * moved past it, and the notifier keeps one delivery per job.
 */
@ApplicationScoped
public class DeadLetterReplayer {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplayer.class);

    private final JobStore jobs;
    private final ObjectMapper json;
    private final Retrying retrying;
    private final DeadLetterConfig config;
    private final MutinyEmitter<String> out;

    public DeadLetterReplayer(JobStore jobs, ObjectMapper json, Retrying retrying, DeadLetterConfig config,
            @Channel("dead-letter-replays") MutinyEmitter<String> out) {
        this.jobs = jobs;
        this.json = json;
        this.retrying = retrying;
        this.config = config;
        this.out = out;
    }

    @Incoming("dead-letters")
    @Blocking(ordered = false)
    public void parked(ConsumerRecord<String, String> record) throws InterruptedException {
        String topic = header(record, "dead-letter-topic");
        int replays = DeadLetterPolicy.replays(header(record, IncomingRecords.REPLAYS_HEADER));
        Duration wait = DeadLetterPolicy.waitBefore(record.timestamp(), System.currentTimeMillis(),
                config.replayDelay(), replays);
        if (!wait.isZero()) {
            Thread.sleep(wait.toMillis());
        }
        String what = "dead letter " + record.partition() + "@" + record.offset() + " from " + topic + " (job "
                + record.key() + ")";
        retrying.run(what, () -> handle(record, topic, replays));
    }

    private void handle(ConsumerRecord<String, String> record, String topic, int replays) {
        String jobId = record.key();
        Optional<JobState> state = jobId == null ? Optional.empty() : jobs.state(jobId);
        switch (DeadLetterPolicy.decide(topic, state, replays, config.maxReplays())) {
            case REPLAY -> {
                LOG.infof("job %s: replaying its %s record (replay %d of %d), parked because: %s", jobId, topic,
                        replays + 1, config.maxReplays(), header(record, "dead-letter-reason"));
                send(topic, jobId, record.value(), replayHeaders(record, replays + 1));
            }
            case FAIL_JOB -> failJob(record, topic, replays);
            case LEAVE -> LOG.debugf("job %s (%s): its %s record stays parked", jobId,
                    state.map(JobState::name).orElse("no such job"), topic);
        }
    }

    /**
     * The normal failure path: the failure event is durable before the job reads FAILED (as in a stage),
     * so that a crash in between repeats the failure instead of losing its webhook.
     */
    private void failJob(ConsumerRecord<String, String> record, String topic, int replays) {
        String jobId = record.key();
        Optional<EditJob> job = parse(record.value()).or(() -> jobs.submitted(jobId));
        var failure = new Failure(DeadLetterPolicy.stageOf(topic), FailureCodes.INTERNAL,
                DeadLetterPolicy.reason(topic, replays + 1));
        LOG.errorf("job %s: its %s record was parked %d times (last because: %s); failing the job", jobId, topic,
                replays + 1, header(record, "dead-letter-reason"));
        if (job.isPresent()) {
            send("edit-failed", jobId, write(job.get().withFailure(failure)), new RecordHeaders());
        }
        jobs.advance(jobId, JobState.FAILED, JobStore.failureFields(failure));
    }

    private void send(String topic, String key, String value, RecordHeaders headers) {
        out.sendMessageAndAwait(Message.of(value == null ? "" : value)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(topic)
                        .withKey(key)
                        .withHeaders(headers)
                        .build()));
    }

    /** The record's own headers (its trace context, say), without the parking ones, and the new count. */
    private static RecordHeaders replayHeaders(ConsumerRecord<String, String> record, int replays) {
        var headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("dead-letter-") && !header.key().equals(IncomingRecords.REPLAYS_HEADER)) {
                headers.add(header);
            }
        }
        headers.add(IncomingRecords.REPLAYS_HEADER, String.valueOf(replays).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private Optional<EditJob> parse(String value) {
        try {
            return Optional.ofNullable(value == null ? null : json.readValue(value, EditJob.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private String write(EditJob job) {
        try {
            return json.writeValueAsString(job);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
