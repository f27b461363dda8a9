package io.brushline.common.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Failure;
import io.brushline.common.state.JobStore;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Turns a consumed record into an {@link EditJob}, or parks it on {@code edit-dead-letter} with the
 * reason in its headers when it cannot be processed (not JSON, not an EditJob, a schema version this
 * build does not speak). A record that names no job is parked by its consumer when its first state
 * change finds no job, so a readable record costs no Redis read here. Consumers read plain strings and parse here, so a
 * poison record is handled like any other bad input instead of failing inside the Kafka client.
 *
 * <p>When the unreadable record names a job that exists (in its {@code jobId}, or, when even that cannot be
 * read, in its key, which every stage sets to the job id), the job must still end with its webhook: it
 * comes back as submitted (rebuilt from its record in Redis) carrying an {@code invalid_message}
 * {@link EditJob#failure() failure}, and the caller fails it like any other job.
 */
@ApplicationScoped
public class IncomingRecords {

    private static final Logger LOG = Logger.getLogger(IncomingRecords.class);

    private static final String MALFORMED = "a message of this job was malformed and could not be processed; "
            + "resubmit the edit";

    /**
     * How often a parked record was put back on its topic by the notifier's dead-letter replayer. The
     * connector's dead-letter queue copies a record's headers; {@link #park} keeps this one too, so that
     * a record parked again is not replayed for ever.
     */
    public static final String REPLAYS_HEADER = "brushline-replays";

    private final ObjectMapper json;
    private final JobStore jobs;
    private final MutinyEmitter<String> deadLetter;

    public IncomingRecords(ObjectMapper json, JobStore jobs,
            @Channel("edit-dead-letter") MutinyEmitter<String> deadLetter) {
        this.json = json;
        this.jobs = jobs;
        this.deadLetter = deadLetter;
    }

    /**
     * The job the record carries; the job as submitted with an {@code invalid_message} failure when
     * the record was parked but names a known job; empty when the record was parked and names none.
     */
    public Optional<EditJob> parse(ConsumerRecord<String, String> record) {
        JsonNode tree;
        try {
            tree = json.readTree(record.value() == null ? "" : record.value());
        } catch (Exception e) {
            park(record, "not JSON: " + e.getMessage());
            return unreadableByKey(record);
        }
        if (tree == null || !tree.isObject() || !tree.path("jobId").isTextual()) {
            park(record, "not an EditJob message: no jobId");
            return unreadableByKey(record);
        }
        String jobId = tree.path("jobId").asText();
        int version = tree.path("schemaVersion").asInt(-1);
        if (version != EditJob.SCHEMA_VERSION) {
            park(record, "schema version " + version + " is not supported (this service reads version "
                    + EditJob.SCHEMA_VERSION + ")");
            return unreadable(jobId, "a message of this job has schema version " + version
                    + ", which this deployment cannot read; resubmit the edit");
        }
        EditJob job;
        try {
            job = json.treeToValue(tree, EditJob.class);
        } catch (Exception e) {
            park(record, "not a valid EditJob message: " + e.getMessage());
            return unreadable(jobId, MALFORMED);
        }
        return Optional.of(job);
    }

    /** Sends the record, unchanged, to the dead-letter topic with where it came from and why. */
    public void park(ConsumerRecord<String, String> record, String reason) {
        LOG.warnf("parking record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
        var headers = new RecordHeaders();
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", String.valueOf(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", String.valueOf(record.offset()).getBytes(StandardCharsets.UTF_8));
        Header replays = record.headers().lastHeader(REPLAYS_HEADER);
        if (replays != null) {
            headers.add(replays);
        }
        deadLetter.sendMessageAndAwait(Message.of(record.value() == null ? "" : record.value())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(record.key())
                        .withHeaders(headers)
                        .build()));
    }

    /** The record's key is its job's id (every stage sends so): a known job fails instead of waiting for ever. */
    private Optional<EditJob> unreadableByKey(ConsumerRecord<String, String> record) {
        return record.key() == null || record.key().isBlank() ? Optional.empty()
                : unreadable(record.key(), MALFORMED);
    }

    private Optional<EditJob> unreadable(String jobId, String reason) {
        return jobs.submitted(jobId)
                .map(job -> job.withFailure(new Failure("pipeline", FailureCodes.INVALID_MESSAGE, reason)));
    }
}
