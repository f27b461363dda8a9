package io.brushline.grounding.datasets;

import io.brushline.common.messages.EditJob;
import io.brushline.common.stage.IncomingRecords;
import io.brushline.common.stage.Retrying;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/** Reads a dataset topic's record as the pipeline stages read theirs: what cannot be used is parked. */
final class DatasetMessages {

    private static final Logger LOG = Logger.getLogger(DatasetMessages.class);

    private DatasetMessages() {
    }

    /** What the record is about in logs: "dataset survey of record dataset-requested-0@12". */
    static String describe(String step, ConsumerRecord<String, String> record) {
        return step + " of record " + record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /**
     * The dataset message the record carries; empty when the record was parked (not an EditJob, or one
     * without its dataset tag, which no dataset can count).
     */
    static Optional<EditJob> read(ConsumerRecord<String, String> record, String what, IncomingRecords incoming,
            Retrying retrying) {
        try {
            return retrying.run(what, () -> incoming.parse(record).filter(job -> {
                if (job.dataset() == null || job.dataset().datasetId() == null) {
                    incoming.park(record, "not a dataset message: the job " + job.jobId() + " names no dataset");
                    return false;
                }
                return true;
            }));
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "%s could not be read", what);
            throw e;
        }
    }
}
