package io.brushline.inpainting;

import io.brushline.common.imaging.ResultFormat;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.ImageRef;
import io.brushline.common.stage.StageProcessor;
import io.brushline.common.state.JobState;
import io.brushline.common.storage.ObjectKeys;
import io.brushline.common.storage.ObjectStore;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.opencv.core.Mat;

/**
 * What the two step-4 stages share around their own painting: the stage's name and state, storing the
 * painted result, and completing the job on {@code edit-completed}. Each subclass consumes its own topic
 * with {@code @Incoming} on its own worker pool (generative and CPU jobs never wait behind each other)
 * and paints in {@link #process(EditJob)}.
 */
public abstract class PaintingStageBase extends StageProcessor {

    @Inject
    protected ObjectStore store;

    @Inject
    @Channel("edit-completed")
    MutinyEmitter<EditJob> completed;

    protected PaintingStageBase() {
        super("paint", JobState.PAINTING);
    }

    /** Encodes {@code image} in the job's result format and stores it as the job's result. */
    protected ImageRef storeResult(EditJob job, Mat image) {
        ResultFormat format = ResultFormat.orDefault(job.resultFormat()).forImage(image);
        return storeResult(job, format, format.encode(image), image.cols(), image.rows());
    }

    /** Stores {@code encoded} ({@code format}, {@code width x height}) as the job's result. */
    protected ImageRef storeResult(EditJob job, ResultFormat format, byte[] encoded, int width, int height) {
        String key = ObjectKeys.result(job.jobId(), format);
        store.put(key, encoded, format.contentType());
        return new ImageRef(key, format.contentType(), width, height);
    }

    @Override
    protected boolean completesJob() {
        return true;
    }

    @Override
    protected MutinyEmitter<EditJob> next() {
        return completed;
    }
}
