package io.brushline.classifier.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brushline.classifier.EncodedImage;
import io.brushline.classifier.ImageSize;
import io.brushline.classifier.InstructionEngine;
import io.brushline.common.messages.Classification;
import io.brushline.common.net.RetryAfter;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Steps 1-2 through any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp).
 * The reply is requested as JSON under a JSON-schema response format and checked before use. Rate
 * limits (429) and server errors (5xx), timeouts and invalid replies are retried with exponential
 * backoff; when the attempts run out the offline engine answers if so configured, and
 * {@link Classification#engine()} records why ("rules (fallback: llm timeout)").
 *
 * <p>The picture goes with the instruction as a data URL, so the model can place ADD boxes and write
 * the target prompt from what it sees; its size is stated in the text, so boxes come back in source
 * pixels. Pictures over {@link #MAX_PICTURE_BYTES} are left out (the request would exceed what chat
 * endpoints accept) and the model works from the text and size alone.
 */
public class LlmInstructionEngine implements InstructionEngine {

    private static final Logger LOG = Logger.getLogger(LlmInstructionEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final int MAX_PICTURE_BYTES = 4_000_000;
    private static final JsonNode REPLY_SCHEMA = readSchema();
    private static final String SYSTEM_PROMPT = readResource("system-prompt.txt");

    private final LlmSettings settings;
    private final InstructionEngine fallback;
    private final HttpClient http;

    /**
     * @param fallback answers when the model cannot; used only when {@link LlmSettings#fallbackToRules()}
     */
    public LlmInstructionEngine(LlmSettings settings, InstructionEngine fallback) {
        this.settings = settings;
        this.fallback = fallback;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    @Override
    public Classification understand(String instruction, ImageSize image) {
        return understand(instruction, image, null);
    }

    @Override
    public Classification understand(String instruction, ImageSize image, Supplier<EncodedImage> picture) {
        try {
            return ask(instruction, image, picture == null ? null : picture.get());
        } catch (LlmException e) {
            if (!settings.fallbackToRules() || fallback == null) {
                if (e.permanent()) {
                    // Failing the job at once: retrying the stage would meet the same refusal or reply.
                    throw new StageFailure(FailureCodes.LANGUAGE_MODEL, "the language model could not be used for "
                            + "this instruction (" + e.reason() + ")");
                }
                throw e;
            }
            LOG.warnf("language model unusable (%s), answering with the offline rules", e.getMessage());
            Classification c = fallback.understand(instruction, image);
            return new Classification(c.category(), c.object(), c.targetPrompt(), c.negativePrompt(), c.placement(),
                    c.engine() + " (fallback: llm " + e.reason() + ")");
        }
    }

    private Classification ask(String instruction, ImageSize image, EncodedImage picture) {
        HttpRequest request = request(instruction, image, picture);
        LlmException last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            Duration retryAfter = null;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return LlmReply.parse(LlmReply.content(response.body()), image, "llm " + settings.model());
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

    private HttpRequest request(String instruction, ImageSize image, EncodedImage picture) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", settings.model());
        body.put("temperature", 0);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
        String size = image == null
                ? "No image size is known: give a null placement box."
                : String.format(Locale.ROOT, "The image is %d x %d pixels (width x height).", image.width(),
                        image.height());
        String text = size + "\nInstruction: " + instruction;
        ObjectNode user = messages.addObject().put("role", "user");
        if (picture != null && picture.bytes().length <= MAX_PICTURE_BYTES) {
            ArrayNode content = user.putArray("content");
            content.addObject().put("type", "text").put("text", text);
            content.addObject().put("type", "image_url").putObject("image_url").put("url", "data:"
                    + picture.contentType() + ";base64," + Base64.getEncoder().encodeToString(picture.bytes()));
        } else {
            user.put("content", text);
        }
        ObjectNode format = body.putObject("response_format");
        format.put("type", "json_schema");
        ObjectNode schema = format.putObject("json_schema");
        schema.put("name", "edit_plan");
        schema.put("strict", true);
        schema.set("schema", REPLY_SCHEMA);
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

    private static JsonNode readSchema() {
        try {
            return JSON.readTree(readResource("reply-schema.json"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply-schema.json is not valid JSON", e);
        }
    }

    private static String readResource(String name) {
        try (InputStream in = LlmInstructionEngine.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
