package io.brushline.classifier.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.classifier.learned.LearnedInstructionEngine;
import io.brushline.classifier.llm.LlmInstructionEngine;
import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import io.brushline.common.testing.TestConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstructionEngineProducerTest {

    private static ClassifierConfig config(Map<String, String> properties) {
        return TestConfig.mapping(ClassifierConfig.class, properties);
    }

    @Test
    void learnedByDefault() {
        ClassifierConfig c = config(Map.of());
        assertEquals(ClassifierConfig.Engine.LEARNED, c.engine());
        assertTrue(c.llm().fallbackToRules());
        assertTrue(c.llm().apiKey().isEmpty());
        assertInstanceOf(LearnedInstructionEngine.class, InstructionEngineProducer.create(c));
    }

    @Test
    void rulesWhenConfigured() {
        ClassifierConfig c = config(Map.of("brushline.classifier.engine", "rules"));
        assertInstanceOf(RuleBasedInstructionEngine.class, InstructionEngineProducer.create(c));
    }

    @Test
    void llmWhenConfigured() {
        ClassifierConfig c = config(Map.of(
                "brushline.classifier.engine", "llm",
                "brushline.classifier.llm.base-url", "http://127.0.0.1:8000/v1",
                "brushline.classifier.llm.model", "qwen2.5-7b-instruct",
                "brushline.classifier.llm.api-key", "secret",
                "brushline.classifier.llm.timeout", "5s",
                "brushline.classifier.llm.max-attempts", "4",
                "brushline.classifier.llm.fallback-to-rules", "false"));
        assertEquals(Duration.ofSeconds(5), c.llm().timeout());
        assertEquals(4, c.llm().maxAttempts());
        assertInstanceOf(LlmInstructionEngine.class, InstructionEngineProducer.create(c));
    }
}
