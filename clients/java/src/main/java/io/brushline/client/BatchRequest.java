package io.brushline.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A batch of edits to submit with {@link BrushlineClient#submitBatch}: items in the form of the
 * gateway's JSON manifest ({@code image_url} or {@code image_id}, {@code instruction}, optionally
 * {@code box}, {@code points}, {@code metadata}), a default instruction, a webhook, and an idempotency
 * key. Items come from {@link Item}s or from a JSON lines file, one item object a line.
 */
public final class BatchRequest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One item of a batch.
     *
     * @param imageUrl an http(s) URL the gateway fetches the photo from (or null)
     * @param imageId the id of an earlier edit job of yours whose photo is used again (or null)
     * @param instruction what to do; null takes the batch's default instruction
     * @param box a box around the object, {@code x1,y1,x2,y2} in pixels (or null)
     * @param points point hints as the gateway takes them, {@code [[x,y],[x,y,0]]} (or null)
     * @param metadata a JSON object returned untouched with the item (or null)
     */
    public record Item(String imageUrl, String imageId, String instruction, String box, String points,
            Map<String, Object> metadata) {

        /** An item whose photo the gateway fetches from {@code url}. */
        public static Item imageUrl(String url, String instruction) {
            return new Item(url, null, instruction, null, null, null);
        }

        /** An item that edits the photo of an earlier job of yours again. */
        public static Item imageId(String jobId, String instruction) {
            return new Item(null, jobId, instruction, null, null, null);
        }

        /** This item with a box around the object, in pixels; replaces detection. */
        public Item withBox(int x1, int y1, int x2, int y2) {
            EditRequest.Builder.checkBox(x1, y1, x2, y2);
            return new Item(imageUrl, imageId, instruction, x1 + "," + y1 + "," + x2 + "," + y2, points, metadata);
        }

        /** This item with metadata, returned untouched with the item in the batch and its manifest. */
        public Item withMetadata(Map<String, Object> metadata) {
            return new Item(imageUrl, imageId, instruction, box, points, Map.copyOf(metadata));
        }

        ObjectNode toJson() {
            ObjectNode item = JSON.createObjectNode();
            put(item, "image_url", imageUrl);
            put(item, "image_id", imageId);
            put(item, "instruction", instruction);
            put(item, "box", box);
            put(item, "points", points);
            if (metadata != null) {
                item.set("metadata", JSON.valueToTree(metadata));
            }
            return item;
        }

        private static void put(ObjectNode node, String field, String value) {
            if (value != null) {
                node.put(field, value);
            }
        }
    }

    private final String json;
    private final int size;
    private final String idempotencyKey;

    private BatchRequest(Builder b) {
        if (b.items.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one item");
        }
        ObjectNode root = b.settings.deepCopy();
        if (!root.hasNonNull("webhook_url")) {
            if (root.path("item_webhooks").asBoolean()) {
                throw new IllegalArgumentException("item webhooks need a webhook URL for the batch");
            }
            root.remove("item_webhooks");
        }
        ArrayNode list = root.putArray("items");
        b.items.forEach(list::add);
        this.json = root.toString();
        this.size = b.items.size();
        this.idempotencyKey = b.idempotencyKey;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** How many items the batch has. */
    public int size() {
        return size;
    }

    /** The request as the gateway's JSON manifest. */
    String toJson() {
        return json;
    }

    /** The idempotency key, or null (the client then makes one for its own retries). */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    /** Builds a {@link BatchRequest}. */
    public static final class Builder {
        private final List<ObjectNode> items = new ArrayList<>();
        /** The manifest's fields besides the items, as the gateway reads them. */
        private final ObjectNode settings = JSON.createObjectNode();
        private String idempotencyKey;

        private Builder() {
        }

        /** Adds an item. */
        public Builder item(Item item) {
            items.add(item.toJson());
            return this;
        }

        /**
         * Adds the items of a JSON lines file: one item object a line, in the form of the gateway's
         * manifest items; blank lines are skipped.
         */
        public Builder manifest(Path jsonLines) {
            return manifest(new String(EditRequest.Builder.read(jsonLines, "manifest"), StandardCharsets.UTF_8),
                    jsonLines.toString());
        }

        /** Adds the items of JSON lines text; {@code name} says where it came from in messages. */
        public Builder manifest(String jsonLines, String name) {
            String[] lines = jsonLines.split("\r?\n", -1);
            int before = items.size();
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                JsonNode item;
                try {
                    item = JSON.readTree(lines[i]);
                } catch (IOException e) {
                    throw new IllegalArgumentException("line " + (i + 1) + " of " + name + " is not valid JSON;"
                            + " each line is one item, such as {\"image_url\": \"https://...\", \"instruction\": \"sepia\"}");
                }
                if (item == null || !item.isObject()) {
                    throw new IllegalArgumentException("line " + (i + 1) + " of " + name + " is not a JSON object;"
                            + " each line is one item, such as {\"image_url\": \"https://...\", \"instruction\": \"sepia\"}");
                }
                items.add((ObjectNode) item);
            }
            if (items.size() == before) {
                throw new IllegalArgumentException(name + " has no items; write one JSON object a line");
            }
            return this;
        }

        /** The instruction of every item that has none of its own. */
        public Builder instruction(String instruction) {
            return set("instruction", instruction);
        }

        /** An http(s) URL the gateway sends {@code batch.completed} to once every item has ended. */
        public Builder webhookUrl(String url) {
            return set("webhook_url", url);
        }

        /** Whether each item's own job webhook goes to the webhook URL too (default false). */
        public Builder itemWebhooks(boolean itemWebhooks) {
            settings.put("item_webhooks", itemWebhooks);
            return this;
        }

        private Builder set(String field, String value) {
            if (value == null) {
                settings.remove(field);
            } else {
                settings.put(field, value);
            }
            return this;
        }

        /**
         * A key that makes retries safe: the same key returns the batch of the first submission (for a
         * day) and finishes its submission if that one was cut short.
         */
        public Builder idempotencyKey(String key) {
            this.idempotencyKey = key;
            return this;
        }

        /** The request; refuses one without items. */
        public BatchRequest build() {
            return new BatchRequest(this);
        }
    }
}
