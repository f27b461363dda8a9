package io.brushline.classifier;

import io.brushline.classifier.operations.OperationPlanner;
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

/** Steps 1-2: decides category, object, target prompt (and placement for ADD) from the instruction. */
@ApplicationScoped
public class ClassifierStage extends StageProcessor {

    public ClassifierStage() {
        super("classify", JobState.CLASSIFYING);
    }

    @Inject
    InstructionEngine engine;

    @Inject
    ObjectStore store;

    @Inject
    OperationPlanner planner;

    @Inject
    @Channel("edit-classified")
    MutinyEmitter<EditJob> classified;

    @Incoming("edit-requested")
    @Blocking(ordered = false)
    public void consume(ConsumerRecord<String, String> record) {
        handle(record);
    }

    @Override
    protected EditJob process(EditJob job) {
        var size = new ImageSize(job.source().width(), job.source().height());
        var classification = engine.understand(job.instruction(), size,
                () -> new EncodedImage(store.get(job.source().key()), job.source().contentType()));
        boolean backgroundImage = job.hints() != null && job.hints().backgroundKey() != null;
        return job.withClassification(classification)
                .withOperation(planner.plan(job.instruction(), classification.category(), backgroundImage));
    }

    @Override
    protected MutinyEmitter<EditJob> next() {
        return classified;
    }
}
