package io.brushline.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A dataset job to submit with {@link BrushlineClient#submitDataset}: the images to find objects in,
 * either local files (uploaded) or photos the gateway fetches (http(s) URLs, or earlier edit jobs of
 * yours), the filters that choose which objects become pairs, a webhook, and an idempotency key.
 * The gateway takes uploads and URLs in two different forms, so one request has one kind or the other.
 */
public final class DatasetRequest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An uploaded image: its file name and bytes. */
    private record Upload(String fileName, byte[] content) {
    }

    private final List<Upload> uploads;
    private final List<ObjectNode> items;
    private final ObjectNode filters;
    private final String webhookUrl;
    private final String idempotencyKey;

    private DatasetRequest(Builder b) {
        if (b.uploads.isEmpty() && b.items.isEmpty()) {
            throw new IllegalArgumentException("a dataset needs at least one image");
        }
        if (!b.uploads.isEmpty() && !b.items.isEmpty()) {
            throw new IllegalArgumentException("a dataset is made of uploaded files or of image URLs, not both;"
                    + " submit the files and the URLs as two datasets");
        }
        this.uploads = List.copyOf(b.uploads);
        this.items = List.copyOf(b.items);
        this.filters = b.filters;
        this.webhookUrl = b.webhookUrl;
        this.idempotencyKey = b.idempotencyKey;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** How many images the dataset has. */
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
        if (webhookUrl != null) {
            form.field("webhook_url", webhookUrl);
        }
        if (filters != null) {
            form.field("filters", filters.toString());
        }
        return form;
    }

    /** The JSON manifest: {@code items}, {@code webhook_url}, {@code filters}. */
    String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("items").addAll(items);
        if (webhookUrl != null) {
            root.put("webhook_url", webhookUrl);
        }
        if (filters != null) {
            root.set("filters", filters);
        }
        return root.toString();
    }

    /** Builds a {@link DatasetRequest}. */
    public static final class Builder {
        private final List<Upload> uploads = new ArrayList<>();
        private final List<ObjectNode> items = new ArrayList<>();
        private ObjectNode filters;
        private String webhookUrl;
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

        /** Adds a photo the gateway fetches from an http(s) URL. */
        public Builder imageUrl(String url) {
            if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("an image URL starts with http:// or https://, not \"" + url + "\"");
            }
            items.add(JSON.createObjectNode().put("image_url", url));
            return this;
        }

        /** Adds the photo of an earlier edit job of yours. */
        public Builder imageId(String jobId) {
            items.add(JSON.createObjectNode().put("image_id", jobId));
            return this;
        }

        /**
         * Which objects to take ({@code classes}, {@code min_area}, {@code max_area}, {@code max_border_sides},
         * {@code max_overlap}, {@code single_instance}, {@code max_objects_per_image}, {@code verify_threshold});
         * the server fills in defaults for the others and says which name or value it does not accept.
         */
        public Builder filters(Map<String, ?> filters) {
            this.filters = filters == null ? null : JSON.valueToTree(filters);
            return this;
        }

        /** The filters as a JSON object, such as {@code {"classes": ["dog", "cat"], "min_area": 0.02}}. */
        public Builder filtersJson(String json) {
            if (json == null) {
                this.filters = null;
                return this;
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
            this.filters = (ObjectNode) node;
            return this;
        }

        /** An http(s) URL the gateway sends {@code dataset.completed} to once the dataset's files are written. */
        public Builder webhookUrl(String url) {
            this.webhookUrl = url;
            return this;
        }

        /** A key that makes retries safe: the same key returns the dataset of the first submission. */
        public Builder idempotencyKey(String key) {
            this.idempotencyKey = key;
            return this;
        }

        /** The request; refuses one without images, or with both files and URLs. */
        public DatasetRequest build() {
            return new DatasetRequest(this);
        }
    }
}
