package io.brushline.classifier.learned;

import io.brushline.classifier.config.InstructionEngineProducer;
import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import io.brushline.embedding.SentenceEmbedder;

/** One embedding model and one learned engine for all test classes of a run: loading takes seconds. */
public final class TrainedEngine {

    private static SentenceEmbedder embedder;
    private static LearnedInstructionEngine engine;

    private TrainedEngine() {
    }

    public static synchronized SentenceEmbedder embedder() {
        if (embedder == null) {
            embedder = SentenceEmbedder.load(1);
        }
        return embedder;
    }

    public static synchronized LearnedInstructionEngine get() {
        if (engine == null) {
            engine = InstructionEngineProducer.learned(embedder(), new RuleBasedInstructionEngine());
        }
        return engine;
    }
}
