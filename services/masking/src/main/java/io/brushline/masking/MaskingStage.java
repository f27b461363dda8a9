package io.brushline.masking;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.MaskRef;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import io.brushline.common.stage.StageProcessor;
import io.brushline.common.state.JobState;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectKeys;
import io.brushline.common.storage.ObjectStore;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Step 3b: the mask the painter repaints, stored as a PNG at source size (255 = repaint) under the
 * job's mask key, so a redelivered job overwrites it rather than making a second one.
 */
@ApplicationScoped
public class MaskingStage extends StageProcessor {

    public MaskingStage() {
        super("mask", JobState.MASKING);
    }

    @Inject
    Segmenter segmenter;

    @Inject
    MaskingConfig config;

    @Inject
    ObjectStore store;

    @Inject
    @Channel("edit-masked")
    MutinyEmitter<EditJob> masked;

    /** Jobs an exact CPU operation paints go to their own topic, so they never wait behind generative ones. */
    @Inject
    @Channel("edit-masked-cpu")
    MutinyEmitter<EditJob> maskedForCpu;

    /**
     * A dataset's removals go to their own topic, read by the painters on a small pool of their own, so
     * that an edit never queues behind the removals a dataset has in flight (docs/datasets.md).
     */
    @Inject
    @Channel("edit-masked-bulk")
    MutinyEmitter<EditJob> maskedInBulk;

    /**
     * On a pool of its own, bounded by {@code smallrye.messaging.worker.masking.max-concurrency}: on the
     * default pool a backlog of full-size photos ran a job per worker thread at once and exhausted the heap.
     */
    @Incoming("edit-grounded")
    @Blocking(value = "masking", ordered = false)
    public void consume(ConsumerRecord<String, String> record) {
        handle(record);
    }

    @Override
    protected EditJob process(EditJob job) {
        MaskMaker.Result result = new MaskMaker(segmenter, config.dilation()).make(job,
                () -> ImageCodec.decodeColor(store.get(job.source().key()), "source image"), this::hintMask);
        try {
            String key = ObjectKeys.mask(job.jobId());
            store.put(key, ImageCodec.encodePng(result.mask()), "image/png");
            return job.withMask(
                    new MaskRef(key, result.dilationPx(), config.featherPx(), MaskOps.coverage(result.mask())));
        } finally {
            result.mask().release();
        }
    }

    /** A hint mask that is not in storage will not appear by retrying. */
    private byte[] hintMask(String key) {
        try {
            return store.get(key);
        } catch (MissingObjectException e) {
            throw new StageFailure(FailureCodes.INVALID_HINT, "the hint mask " + key + " is not in storage");
        }
    }

    @Override
    protected MutinyEmitter<EditJob> next() {
        return masked;
    }

    @Override
    protected MutinyEmitter<EditJob> next(EditJob output) {
        if (output.operation() != null && output.operation().isCpu()) {
            return maskedForCpu;
        }
        return output.dataset() != null ? maskedInBulk : masked;
    }
}
