package io.brushline.classifier.config;

import io.brushline.classifier.InstructionEngine;
import io.brushline.classifier.learned.LabelledInstruction;
import io.brushline.classifier.learned.LearnedInstructionEngine;
import io.brushline.classifier.learned.PrecomputedTraining;
import io.brushline.classifier.learned.TrainingSet;
import io.brushline.classifier.llm.LlmInstructionEngine;
import io.brushline.classifier.llm.LlmSettings;
import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import io.brushline.common.llm.ChatSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import io.brushline.embedding.SentenceEmbedder;
import java.util.List;
import org.jboss.logging.Logger;

/** Makes the configured {@link InstructionEngine} the one the classifier stage injects. */
@ApplicationScoped
public class InstructionEngineProducer {

    private static final Logger LOG = Logger.getLogger(InstructionEngineProducer.class);

    @Produces
    @ApplicationScoped
    public InstructionEngine instructionEngine(ClassifierConfig config) {
        InstructionEngine engine = create(config);
        LOG.infof("instruction engine: %s", config.engine().name().toLowerCase());
        return engine;
    }

    /** Separate from CDI so that it can be exercised with a plain config object. */
    public static InstructionEngine create(ClassifierConfig config) {
        RuleBasedInstructionEngine rules = new RuleBasedInstructionEngine();
        return switch (config.engine()) {
            case RULES -> rules;
            case LEARNED -> learned(rules);
            case LLM -> llm(config.llm(), rules);
        };
    }

    /**
     * Loads the embedding model once, with the examples' vectors and the category model computed at
     * build time (or, when those are missing or out of date, computed now).
     */
    public static LearnedInstructionEngine learned(RuleBasedInstructionEngine rules) {
        return learned(SentenceEmbedder.load(1), rules);
    }

    /** The same with a loaded embedding model. */
    public static LearnedInstructionEngine learned(SentenceEmbedder embedder, RuleBasedInstructionEngine rules) {
        List<LabelledInstruction> examples = TrainingSet.bundled();
        return new LearnedInstructionEngine(embedder, examples, PrecomputedTraining.loadOrTrain(embedder, examples),
                rules);
    }

    private static InstructionEngine llm(ClassifierConfig.Llm llm, RuleBasedInstructionEngine rules) {
        return new LlmInstructionEngine(new LlmSettings(ChatSettings.of(llm), llm.fallbackToRules()), rules);
    }
}
