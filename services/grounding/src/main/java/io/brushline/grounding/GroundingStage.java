package io.brushline.grounding;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.EditJob;
import io.brushline.common.stage.StageProcessor;
import io.brushline.common.state.JobState;
import io.brushline.common.storage.ObjectStore;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Step 3a: where the object is (detected, hinted, or proposed for ADD), as ranked boxes. */
@ApplicationScoped
public class GroundingStage extends StageProcessor {

    public GroundingStage() {
        super("ground", JobState.GROUNDING);
    }

    @Inject
    ObjectDetector detector;

    @Inject
    ObjectStore store;

    @Inject
    @Channel("edit-grounded")
    MutinyEmitter<EditJob> grounded;

    @Incoming("edit-classified")
    @Blocking(value = "grounding", ordered = false)
    public void consume(ConsumerRecord<String, String> record) {
        handle(record);
    }

    @Override
    protected EditJob process(EditJob job) {
        var grounding = new Grounder(detector).ground(job,
                () -> ImageCodec.decodeColor(store.get(job.source().key()), "source image"));
        return job.withGrounding(grounding);
    }

    @Override
    protected MutinyEmitter<EditJob> next() {
        return grounded;
    }
}
