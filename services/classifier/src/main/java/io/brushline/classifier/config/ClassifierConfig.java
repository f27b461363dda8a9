package io.brushline.classifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Which instruction engine the classifier uses, and how to reach the language model. */
@ConfigMapping(prefix = "brushline.classifier")
public interface ClassifierConfig {

    /** The learned offline engine (default), the offline rules, or a language model. */
    enum Engine {
        LEARNED,
        RULES,
        LLM
    }

    @WithDefault("learned")
    Engine engine();

    Llm llm();

    interface Llm {
        /** The API root; requests go to {@code <base-url>/chat/completions}. */
        @WithDefault("https://api.openai.com/v1")
        String baseUrl();

        @WithDefault("gpt-4o-mini")
        String model();

        Optional<String> apiKey();

        @WithDefault("20s")
        Duration timeout();

        @WithDefault("3")
        int maxAttempts();

        /** Wait before the second attempt; doubled for each later one. */
        @WithDefault("500ms")
        Duration initialBackoff();

        @WithDefault("true")
        boolean fallbackToRules();
    }
}
