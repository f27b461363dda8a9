package io.brushline.classifier.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brushline.classifier.EncodedImage;
import io.brushline.classifier.ImageSize;
import io.brushline.classifier.InstructionEngine;
import io.brushline.common.llm.ChatClient;
import io.brushline.common.llm.LlmException;
import io.brushline.common.messages.Classification;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Steps 1-2 through any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp),
 * called through {@link ChatClient}. The reply is requested as JSON under a JSON-schema response format
 * and checked before use. Rate limits (429), server errors (5xx) and timeouts are retried with
 * exponential backoff; when the attempts run out the offline engine answers if so configured, and
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
    static final int MAX_PICTURE_BYTES = 4_000_000;
    private static final JsonNode REPLY_SCHEMA = readSchema();
    private static final String SYSTEM_PROMPT = readResource("system-prompt.txt");

    private final LlmSettings settings;
    private final InstructionEngine fallback;
    private final ChatClient chat;

    /**
     * @param fallback answers when the model cannot; used only when {@link LlmSettings#fallbackToRules()}
     */
    public LlmInstructionEngine(LlmSettings settings, InstructionEngine fallback) {
        this.settings = settings;
        this.fallback = fallback;
        this.chat = new ChatClient(settings.chat());
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
        String content = chat.complete(request(instruction, image, picture));
        return LlmReply.parse(content, image, "llm " + settings.chat().model());
    }

    private ObjectNode request(String instruction, ImageSize image, EncodedImage picture) {
        ObjectNode body = JSON.createObjectNode();
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
        return body;
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
