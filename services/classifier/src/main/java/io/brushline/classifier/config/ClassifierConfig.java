package io.brushline.classifier.config;

import io.brushline.common.llm.ChatEndpointConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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

    /** The endpoint ({@code brushline.classifier.llm.base-url}, {@code .model}, {@code .api-key}, ...). */
    interface Llm extends ChatEndpointConfig {
        @WithDefault("true")
        boolean fallbackToRules();
    }
}
