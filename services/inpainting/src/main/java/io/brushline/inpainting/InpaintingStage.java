package io.brushline.inpainting;

import io.brushline.common.imaging.ResultFormat;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Operation;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Step 4, the last stage: repaints the masked region and stores the result. */
@ApplicationScoped
public class InpaintingStage extends PaintingStageBase {

    @Inject
    PaintingService painting;

    @Incoming("edit-masked")
    @Blocking(value = "painting", ordered = false)
    public void consume(ConsumerRecord<String, String> record) {
        handle(record);
    }

    /**
     * A dataset's removals (docs/datasets.md): their own topic and a small pool, so that at most that
     * many of them wait for the painter at once and an edit on {@code edit-masked} never queues behind
     * the removals a dataset has in flight.
     */
    @Incoming("edit-masked-bulk")
    @Blocking(value = "bulk-painting", ordered = false)
    public void consumeBulk(ConsumerRecord<String, String> record) {
        handle(record);
    }

    @Override
    protected EditJob process(EditJob job) {
        if (job.mask() == null) {
            throw new StageFailure(FailureCodes.INTERNAL, "the job reached painting without a mask");
        }
        var painted = painting.paint(job.jobId(), job.instruction(), store.get(job.source().key()), store.get(job.mask().key()),
                job.classification(), job.mask().featherPx(),
                job.dataset() != null ? PaintBatcher.Lane.BULK : PaintBatcher.Lane.EDITS,
                ResultFormat.orDefault(job.resultFormat()));
        // The job record names the painter that ran; the classical fill is the one that needs no model.
        String tier = painted.painter().startsWith("classical") ? Operation.CPU : Operation.GENERATIVE;
        return job.withResult(storeResult(job, painted.format(), painted.encoded(), painted.width(), painted.height()))
                .withOperation(new Operation(tier, painted.painter(), Map.of(), null));
    }
}
