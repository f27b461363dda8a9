package io.brushline.grounding.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brushline.common.llm.ChatClient;
import io.brushline.common.llm.LlmException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Asks a chat-completions endpoint to reword each templated add-back instruction ("add a dog on the
 * bench") into a natural, varied one that keeps the object and where it goes ("place a dog on the
 * bench, sitting"). The reply is used only when it is one short line that starts like an ADD
 * instruction and names the object's label; otherwise, and when the endpoint times out or fails, the
 * template is used and the reason logged.
 */
public class LlmAddInstructionPhraser implements AddInstructionPhraser {

    private static final Logger LOG = Logger.getLogger(LlmAddInstructionPhraser.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Longer than any template with a long label, short enough to stay one instruction. */
    static final int MAX_LENGTH = 120;

    /** First words the classifier's rules read as an ADD of the object named after them. */
    static final Set<String> ADD_VERBS = Set.of("add", "put", "place", "insert");

    private static final String SYSTEM_PROMPT = """
            You reword image-editing instructions that add an object to a photo. Reply with one \
            instruction only, on one line, at most 15 words, no quotes and no explanation. Start with \
            one of the verbs add, put, place or insert. Keep the object's exact name and keep where it \
            goes (the same relation to the same other object, or the same part of the image). Vary the \
            wording; you may add a short natural detail about the object that fits the scene.""";

    private final ChatClient chat;

    public LlmAddInstructionPhraser(ChatClient chat) {
        this.chat = chat;
    }

    @Override
    public String phrase(String template, String label) {
        try {
            return checked(chat.complete(request(template, label)), label);
        } catch (LlmException e) {
            LOG.warnf("add-back instruction kept as templated (%s): %s", e.getMessage(), template);
        } catch (RuntimeException e) {
            // whatever else went wrong (a malformed endpoint URL, say) must not fail the survey either
            LOG.warnf(e, "add-back instruction kept as templated (%s): %s", e, template);
        }
        return template;
    }

    private static ObjectNode request(String template, String label) {
        ObjectNode body = JSON.createObjectNode();
        // above 0: the point is phrasings that differ between pairs
        body.put("temperature", 0.9);
        body.put("max_tokens", 60);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
        messages.addObject().put("role", "user").put("content",
                "Object: " + label + "\nInstruction: " + template);
        return body;
    }

    /** The reply, stripped of surrounding blanks and quotes, when it can stand for the template. */
    static String checked(String reply, String label) {
        String phrase = unquoted(reply.strip());
        if (phrase.contains("\n") || phrase.contains("\r")) {
            throw LlmException.invalidReply("more than one line", null);
        }
        if (phrase.length() > MAX_LENGTH) {
            throw LlmException.invalidReply("longer than " + MAX_LENGTH + " characters", null);
        }
        String firstWord = phrase.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        if (!ADD_VERBS.contains(firstWord)) {
            throw LlmException.invalidReply("does not start with add, put, place or insert", null);
        }
        String name = label.strip().toLowerCase(Locale.ROOT);
        if (!Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(phrase.toLowerCase(Locale.ROOT)).find()) {
            throw LlmException.invalidReply("does not name the " + name, null);
        }
        return phrase;
    }

    private static String unquoted(String s) {
        boolean quoted = s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"")
                || s.startsWith("'") && s.endsWith("'"));
        return quoted ? s.substring(1, s.length() - 1).strip() : s;
    }
}
