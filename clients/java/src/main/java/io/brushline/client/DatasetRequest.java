package io.brushline.client;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A dataset job to submit with {@link BrushlineClient#submitDataset}: the images to find objects in,
 * either local files (uploaded), photos the gateway fetches (http(s) URLs, or earlier edit jobs of
 * yours, optionally with the objects to take in them), or the images under a prefix of your input area;
 * the filters that choose which objects become pairs, a webhook, and an idempotency key. The gateway
 * takes uploads, fetched photos and a prefix in different forms, so one request has one kind of them.
 */
public final class DatasetRequest {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final String MANIFEST_FORM = "give {\"items\": [{\"image_url\": \"https://...\"}, ...]}"
            + " or a list of such items";

    /** An uploaded image: its file name and bytes. */
    private record Upload(String fileName, byte[] content) {
    }

    private final List<Upload> uploads;
    private final List<ObjectNode> items;
    /** The manifest's fields besides the items ({@code prefix}, {@code filters}, {@code webhook_url}). */
    private final ObjectNode settings;
    private final String idempotencyKey;

    private DatasetRequest(Builder b) {
        boolean prefix = b.settings.has("prefix");
        if (b.uploads.isEmpty() && b.items.isEmpty() && !prefix) {
            throw new IllegalArgumentException("a dataset needs at least one image, or the prefix they are under");
        }
        if (prefix && !(b.uploads.isEmpty() && b.items.isEmpty())) {
            throw new IllegalArgumentException("a dataset made of the images under a prefix takes no other images;"
                    + " give the prefix, or the files or URLs, not both");
        }
        if (!b.uploads.isEmpty() && !b.items.isEmpty()) {
            throw new IllegalArgumentException("a dataset is made of uploaded files or of image URLs, not both;"
                    + " submit the files and the URLs as two datasets");
        }
        this.uploads = List.copyOf(b.uploads);
        this.items = List.copyOf(b.items);
        this.settings = b.settings.deepCopy();
        this.idempotencyKey = b.idempotencyKey;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** How many images the dataset has; 0 for a prefix, whose images the gateway lists. */
    public int size() {
        return uploads.size() + items.size();
    }

    /** The idempotency key, or null (the client then makes one for its own retries). */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    /** Whether the images are uploaded (a multipart form) rather than fetched by the gateway (JSON). */
    boolean isUpload() {
        return !uploads.isEmpty();
    }

    /** The upload form: one {@code image} part per file, in order, then the webhook and the filters. */
    Multipart toForm() {
        Multipart form = new Multipart();
        uploads.forEach(upload -> form.file("image", upload.fileName(), upload.content()));
        if (settings.has("webhook_url")) {
            form.field("webhook_url", settings.get("webhook_url").asText());
        }
        if (settings.has("filters")) {
            form.field("filters", settings.get("filters").toString());
        }
        return form;
    }

    /** The JSON manifest: {@code items} or {@code prefix}, {@code webhook_url}, {@code filters}. */
    String toJson() {
        ObjectNode root = settings.deepCopy();
        if (!items.isEmpty()) {
            root.putArray("items").addAll(items);
        }
        return root.toString();
    }

    /** Refuses {@code url} unless it is http(s); {@code what} names it in the message ("an image URL"). */
    static void checkHttpUrl(String what, String url) {
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException(what + " starts with http:// or https://, not \"" + url + "\"");
        }
    }

    /** Builds a {@link DatasetRequest}. */
    public static final class Builder {
        private final List<Upload> uploads = new ArrayList<>();
        private final List<ObjectNode> items = new ArrayList<>();
        private final ObjectNode settings = JSON.createObjectNode();
        private String idempotencyKey;

        private Builder() {
        }

        /** Adds a local image file, uploaded with the request. */
        public Builder image(Path file) {
            uploads.add(new Upload(String.valueOf(file.getFileName()), EditRequest.Builder.read(file, "image")));
            return this;
        }

        /** Adds an image from its bytes; {@code fileName} is only a label. */
        public Builder image(String fileName, byte[] content) {
            uploads.add(new Upload(fileName, content.clone()));
            return this;
        }

        /**
         * Adds a photo the gateway fetches from an http(s) URL; with {@code objects}, those are the objects
         * taken from it instead of what the detector finds.
         */
        public Builder imageUrl(String url, SuppliedObject... objects) {
            checkHttpUrl("an image URL", url);
            return item(JSON.createObjectNode().put("image_url", url), objects);
        }

        /** Adds the photo of an earlier edit job of yours, optionally with the objects to take from it. */
        public Builder imageId(String jobId, SuppliedObject... objects) {
            return item(JSON.createObjectNode().put("image_id", jobId), objects);
        }

        private Builder item(ObjectNode item, SuppliedObject... objects) {
            if (objects.length > 0) {
                ArrayNode list = item.putArray("objects");
                for (SuppliedObject object : objects) {
                    list.add(object.toJson());
                }
            }
            items.add(item);
            return this;
        }

        /**
         * Takes the images already under {@code prefix} of your input area ({@code inputs/<tenant>/} in the
         * bucket), such as {@code photos/rooms/}; {@code ""} is the whole area. Excludes every other image.
         */
        public Builder prefix(String prefix) {
            return set("prefix", prefix == null ? null : JSON.getNodeFactory().textNode(prefix));
        }

        /** Adds the items of a JSON manifest file (see {@link #manifest(String, String)}). */
        public Builder manifest(Path file) {
            return manifest(new String(EditRequest.Builder.read(file, "manifest"), StandardCharsets.UTF_8),
                    file.toString());
        }

        /**
         * Adds the items of a JSON manifest in the gateway's form, {@code {"items": [...], "filters": {...},
         * "webhook_url": ...}}, or of a bare list of items; the items go as they are, with their
         * {@code objects}. The manifest's other fields are taken too, and the setters called after this
         * replace them. {@code name} says where it came from in messages.
         */
        public Builder manifest(String json, String name) {
            JsonNode root;
            try {
                root = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                JsonLocation where = e.getLocation();
                throw new IllegalArgumentException(name + " is not valid JSON" + (where == null ? ""
                        : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")") + "; "
                        + MANIFEST_FORM);
            }
            JsonNode list = root != null && root.isObject() ? root.get("items") : root;
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw new IllegalArgumentException(name + " has no items; " + MANIFEST_FORM);
            }
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isObject()) {
                    throw new IllegalArgumentException("item " + i + " of " + name + " is not a JSON object such"
                            + " as {\"image_url\": \"https://...\"} or {\"image_id\": \"...\"}");
                }
                items.add((ObjectNode) list.get(i));
            }
            if (root.isObject()) {
                root.fields().forEachRemaining(field -> {
                    if (!field.getKey().equals("items")) {
                        settings.set(field.getKey(), field.getValue());
                    }
                });
            }
            return this;
        }

        /**
         * Which objects to take ({@code classes}, {@code min_area}, {@code max_area}, {@code max_border_sides},
         * {@code max_overlap}, {@code single_instance}, {@code max_objects_per_image}, {@code verify_threshold});
         * the server fills in defaults for the others and says which name or value it does not accept.
         */
        public Builder filters(Map<String, ?> filters) {
            return set("filters", filters == null ? null : JSON.valueToTree(filters));
        }

        /** The filters as a JSON object, such as {@code {"classes": ["dog", "cat"], "min_area": 0.02}}. */
        public Builder filtersJson(String json) {
            if (json == null) {
                return set("filters", null);
            }
            JsonNode node;
            try {
                node = JSON.readTree(json);
            } catch (IOException e) {
                throw new IllegalArgumentException("the filters are not valid JSON; give an object such as"
                        + " {\"classes\": [\"dog\"], \"min_area\": 0.02}");
            }
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the filters must be a JSON object such as"
                        + " {\"classes\": [\"dog\"], \"min_area\": 0.02}");
            }
            return set("filters", node);
        }

        /** An http(s) URL the gateway sends {@code dataset.completed} to once the dataset's files are written. */
        public Builder webhookUrl(String url) {
            return set("webhook_url", url == null ? null : JSON.getNodeFactory().textNode(url));
        }

        private Builder set(String field, JsonNode value) {
            if (value == null) {
                settings.remove(field);
            } else {
                settings.set(field, value);
            }
            return this;
        }

        /** A key that makes retries safe: the same key returns the dataset of the first submission. */
        public Builder idempotencyKey(String key) {
            this.idempotencyKey = key;
            return this;
        }

        /** The request; refuses one without images, or with images of more than one kind. */
        public DatasetRequest build() {
            return new DatasetRequest(this);
        }
    }
}
