package io.brushline.grounding.datasets;

import io.brushline.common.llm.ChatEndpointConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the dataset survey words its add-back instructions (docs/datasets.md). */
@ConfigMapping(prefix = "brushline.dataset.phrasing")
public interface PhrasingConfig {

    /** The templates as they are (default), or rephrased by a language model. */
    enum Engine {
        TEMPLATES,
        LLM
    }

    @WithDefault("templates")
    Engine engine();

    /** The chat endpoint ({@code brushline.dataset.phrasing.llm.base-url}, {@code .model}, {@code .api-key}, ...). */
    ChatEndpointConfig llm();
}
