package io.brushline.common.llm;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach an OpenAI-compatible chat-completions endpoint.
 *
 * @param baseUrl the API root, such as {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1};
 *     requests go to {@code baseUrl + "/chat/completions"}
 * @param apiKey sent as a bearer token when present (local servers often need none)
 * @param timeout per request, connect included
 * @param maxAttempts attempts per request, the first included
 * @param initialBackoff wait before the second attempt; doubled for each later one
 */
public record ChatSettings(URI baseUrl, String model, Optional<String> apiKey, Duration timeout, int maxAttempts,
        Duration initialBackoff) {

    public ChatSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("an LLM model name is required");
        }
    }

    public static ChatSettings of(ChatEndpointConfig config) {
        return new ChatSettings(URI.create(config.baseUrl()), config.model(), config.apiKey(), config.timeout(),
                config.maxAttempts(), config.initialBackoff());
    }

    URI chatCompletions() {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/chat/completions");
    }
}
