package io.brushline.inpainting;

import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.ImageRef;
import io.brushline.common.stage.StageProcessor;
import io.brushline.common.state.JobState;
import io.brushline.common.storage.ObjectKeys;
import io.brushline.common.storage.ObjectStore;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;

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

    /** Stores {@code png} ({@code width x height}) as the job's result; what the job then refers to. */
    protected ImageRef storeResult(EditJob job, byte[] png, int width, int height) {
        String key = ObjectKeys.result(job.jobId());
        store.put(key, png, "image/png");
        return new ImageRef(key, "image/png", width, height);
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
