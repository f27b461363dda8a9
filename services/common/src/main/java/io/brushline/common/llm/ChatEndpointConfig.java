package io.brushline.common.llm;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The configuration group of a chat-completions endpoint, nested in a service's own mapping (e.g.
 * {@code brushline.classifier.llm.*}); {@link ChatSettings#of} turns it into settings.
 */
public interface ChatEndpointConfig {

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
}
