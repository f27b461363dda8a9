package io.brushline.inpainting.cpu;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.CpuOperation;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Operation;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.inpainting.PaintingStageBase;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.opencv.core.Mat;

/**
 * Step 4 for edits an exact CPU operation does: consumes {@code edit-masked-cpu}, its own topic and
 * worker pool, so these jobs never wait behind generative ones and never occupy a GPU pod. The result
 * is written only once the operation has succeeded; a failed operation leaves nothing behind.
 */
@ApplicationScoped
public class CpuPaintingStage extends PaintingStageBase {

    private final CpuPainter painter = new CpuPainter();

    @Incoming("edit-masked-cpu")
    @Blocking(value = "cpu-painting", ordered = false)
    public void consume(ConsumerRecord<String, String> record) {
        handle(record);
    }

    @Override
    protected EditJob process(EditJob job) {
        Operation operation = job.operation();
        if (operation == null || !operation.isCpu() || job.mask() == null) {
            throw new StageFailure(FailureCodes.INTERNAL, "the job reached the CPU painter without a CPU operation"
                    + " and a mask");
        }
        CpuOperation cpu = CpuOperation.fromWireName(operation.name()).orElseThrow(() -> new StageFailure(
                FailureCodes.INTERNAL, "this painting service does not know the operation " + operation.name()));
        // The job's matrices are released when it ends, not when the collector finalises them.
        try (MatScope scope = new MatScope()) {
            Mat source = scope.add(ImageCodec.decodeColor(store.get(job.source().key()), "source image"));
            Mat mask = scope.add(ImageCodec.decodeMask(store.get(job.mask().key()), "mask"));
            var painted = painter.paint(cpu, operation.params(), source, mask, job.mask().featherPx(),
                    () -> scope.add(backgroundImage(job)));
            Mat image = scope.add(painted.image());
            return job.withResult(storeResult(job, image))
                    .withOperation(operation.withNote(painted.note()));
        }
    }

    private Mat backgroundImage(EditJob job) {
        String key = job.hints() == null ? null : job.hints().backgroundKey();
        if (key == null) {
            throw new StageFailure(FailureCodes.INVALID_HINT, "put the subject on a new background by sending the"
                    + " image in the background_image form field");
        }
        try {
            return ImageCodec.decodeColor(store.get(key), "background image");
        } catch (MissingObjectException e) {
            throw new StageFailure(FailureCodes.INVALID_HINT, "the background image is no longer in storage");
        }
    }
}
