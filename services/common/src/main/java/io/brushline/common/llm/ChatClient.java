package io.brushline.common.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brushline.common.net.RetryAfter;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * One call to an OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp), the one
 * every service's language-model use goes through. Rate limits (429), 408 and server errors (5xx),
 * timeouts and an unreachable endpoint are retried with exponential backoff, or after the server's
 * Retry-After; any other answer, and a response without an assistant message, fails at once as
 * permanent. What is left after the attempts is thrown as an {@link LlmException} saying why.
 */
public class ChatClient {

    private static final Logger LOG = Logger.getLogger(ChatClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ChatSettings settings;
    private final HttpClient http;

    public ChatClient(ChatSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    public ChatSettings settings() {
        return settings;
    }

    /**
     * Sends {@code request} (messages and any other chat-completions fields; the model is set here) and
     * returns the assistant message's text.
     */
    public String complete(ObjectNode request) {
        HttpRequest httpRequest = httpRequest(request.deepCopy().put("model", settings.model()));
        LlmException last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            Duration retryAfter = null;
            try {
                HttpResponse<String> response = http.send(httpRequest, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return content(response.body());
                }
                // 408, 429 and 5xx may pass; any other answer (401, 403, 404, 400) will not.
                boolean mayPass = status == 408 || status == 429 || status / 100 == 5;
                last = new LlmException("http " + status, abbreviate(response.body()), null, !mayPass);
                if (!mayPass) {
                    throw last;
                }
                retryAfter = RetryAfter.parse(response.headers().firstValue("Retry-After"), Instant.now())
                        .orElse(null);
            } catch (HttpTimeoutException e) {
                last = new LlmException("timeout", e.getMessage(), e);
            } catch (IOException e) {
                last = new LlmException("unreachable", String.valueOf(e.getMessage()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LlmException("interrupted", "while waiting for the model", e);
            }
            if (attempt < settings.maxAttempts()) {
                LOG.debugf("llm attempt %d failed (%s), retrying", attempt, last.getMessage());
                sleep(retryAfter != null ? min(retryAfter, MAX_BACKOFF) : backoff(attempt));
            }
        }
        throw last;
    }

    /** The assistant message's text from a chat-completions response body. */
    private static String content(String responseBody) {
        JsonNode root;
        try {
            root = JSON.readTree(responseBody);
        } catch (JsonProcessingException e) {
            throw LlmException.invalidReply("response is not JSON", e);
        }
        JsonNode content = root.path("choices").path(0).path("message").path("content");
        if (!content.isTextual() || content.asText().isBlank()) {
            throw LlmException.invalidReply("response has no choices[0].message.content", null);
        }
        return content.asText();
    }

    private HttpRequest httpRequest(ObjectNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.chatCompletions())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        settings.apiKey().filter(k -> !k.isBlank()).ifPresent(k -> b.header("Authorization", "Bearer " + k));
        return b.build();
    }

    private Duration backoff(int attempt) {
        Duration d = settings.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 16));
        return min(d, MAX_BACKOFF);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException("interrupted", "while backing off", e);
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
