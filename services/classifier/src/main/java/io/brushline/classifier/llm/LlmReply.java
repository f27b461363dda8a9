package io.brushline.classifier.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.classifier.ImageSize;
import io.brushline.common.llm.LlmException;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.messages.Placement;
import java.util.Locale;

/**
 * Reads and checks the model's edit plan (the assistant message's text). Coordinates are parsed as JSON integers of any size (no
 * regular expression that stops at three digits); a box outside the image is clipped to it.
 */
final class LlmReply {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LlmReply() {
    }

    static Classification parse(String content, ImageSize image, String engineName) {
        JsonNode reply = read(stripCodeFence(content), "content is not JSON");
        if (!reply.isObject()) {
            throw invalid("content is not a JSON object");
        }
        Category category = category(reply.path("category"));
        String object = optionalText(reply, "object");
        if (object == null && (category == Category.LOCAL || category == Category.REMOVE || category == Category.ADD)) {
            throw invalid("no object for a " + category + " edit");
        }
        String target = optionalText(reply, "target_prompt");
        if (target == null) {
            throw invalid("no target_prompt");
        }
        String negative = optionalText(reply, "negative_prompt");
        if (category == Category.REMOVE && negative == null) {
            negative = object;
        }
        Placement placement = category == Category.ADD ? placement(reply.path("placement"), image) : null;
        return new Classification(category, object, target, negative, placement, engineName);
    }

    private static Category category(JsonNode node) {
        if (!node.isTextual()) {
            throw invalid("category missing or not a string");
        }
        try {
            return Category.valueOf(node.asText().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("unknown category " + node.asText());
        }
    }

    private static Placement placement(JsonNode node, ImageSize image) {
        if (node.isMissingNode() || node.isNull()) {
            return new Placement(null, null, null);
        }
        if (!node.isObject()) {
            throw invalid("placement is not an object");
        }
        Box box = box(node.path("box"), image);
        return new Placement(box, optionalText(node, "relation"), optionalText(node, "anchor"));
    }

    private static Box box(JsonNode node, ImageSize image) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.size() != 4) {
            throw invalid("placement box is not an array of four integers");
        }
        long[] v = new long[4];
        for (int i = 0; i < 4; i++) {
            JsonNode n = node.get(i);
            if (!n.isIntegralNumber() && !(n.isNumber() && n.asDouble() == Math.rint(n.asDouble()))) {
                throw invalid("placement box holds a non-integer " + n);
            }
            if (!n.canConvertToLong()) {
                throw invalid("placement box coordinate out of range " + n);
            }
            v[i] = n.asLong();
        }
        long maxX = image == null ? Integer.MAX_VALUE : image.width();
        long maxY = image == null ? Integer.MAX_VALUE : image.height();
        Box box = new Box((int) clamp(v[0], maxX), (int) clamp(v[1], maxY), (int) clamp(v[2], maxX),
                (int) clamp(v[3], maxY));
        if (box.isEmpty()) {
            throw invalid("placement box is empty: " + node);
        }
        return box;
    }

    private static long clamp(long value, long max) {
        return Math.max(0, Math.min(max, value));
    }

    private static String optionalText(JsonNode parent, String field) {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid(field + " is not a string");
        }
        String text = n.asText().strip();
        return text.isEmpty() ? null : text;
    }

    /** Some servers wrap JSON in a Markdown code fence even when asked for JSON. */
    private static String stripCodeFence(String content) {
        String s = content.strip();
        if (s.startsWith("```")) {
            s = s.substring(s.indexOf('\n') + 1);
            int end = s.lastIndexOf("```");
            s = end >= 0 ? s.substring(0, end) : s;
        }
        return s;
    }

    private static JsonNode read(String text, String problem) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw LlmException.invalidReply(problem, e);
        }
    }

    private static LlmException invalid(String detail) {
        return LlmException.invalidReply(detail, null);
    }
}
