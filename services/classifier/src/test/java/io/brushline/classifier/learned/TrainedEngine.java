package io.brushline.classifier.learned;

import io.brushline.classifier.config.InstructionEngineProducer;
import io.brushline.classifier.rules.RuleBasedInstructionEngine;

/** One learned engine for all test classes of a run: loading the model and training take seconds. */
public final class TrainedEngine {

    private static LearnedInstructionEngine engine;

    private TrainedEngine() {
    }

    public static synchronized LearnedInstructionEngine get() {
        if (engine == null) {
            engine = InstructionEngineProducer.learned(new RuleBasedInstructionEngine());
        }
        return engine;
    }
}
