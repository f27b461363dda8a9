package io.brushline.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.net.OutboundUrlPolicy;
import io.brushline.common.state.JobStore;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectKeys;
import io.brushline.common.storage.ObjectStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The images of a manifest (a batch's items, a dataset's images): each given as exactly one of a URL,
 * the id of an earlier job of the tenant whose photo is used again, or an uploaded file. A manifest is
 * checked whole before anything is stored, naming every bad item; the images are fetched only once the
 * manifest is accepted, a few at a time.
 */
@ApplicationScoped
public class ManifestImages {

    /** Items shown in the message of a refused manifest; the details list has them all. */
    private static final int ERRORS_IN_MESSAGE = 5;

    /**
     * Where one item's image comes from: exactly one of imageUrl, imageId, image and objectKey. An
     * objectKey is only ever one the gateway listed under the tenant's input area, never the client's text.
     */
    public record Source(String imageUrl, String imageId, byte[] image, String fileName, String objectKey) {

        public Source(String imageUrl, String imageId, byte[] image, String fileName) {
            this(imageUrl, imageId, image, fileName, null);
        }

        /** An object of the bucket, read when the image is sent (so that one that is no image fails alone). */
        public static Source stored(String objectKey) {
            return new Source(null, null, null, null, objectKey);
        }
    }

    /** Why an item of a manifest is refused. */
    public record ItemError(int index, String code, String message) {
    }

    /** A manifest refused for its items: the message names them, the details list every one. */
    public static final class InvalidItems extends ApiException {
        private final List<ItemError> errors;

        InvalidItems(String of, List<ItemError> errors) {
            super(ApiException.UNPROCESSABLE, "invalid_items", message(of, errors));
            this.errors = List.copyOf(errors);
        }

        public List<ItemError> errors() {
            return errors;
        }

        private static String message(String of, List<ItemError> errors) {
            StringBuilder text = new StringBuilder();
            if (errors.size() > 1) {
                text.append(errors.size()).append(" items of the ").append(of)
                        .append(" are invalid; nothing was submitted: ");
            } else {
                text.append("an item of the ").append(of).append(" is invalid; nothing was submitted: ");
            }
            for (int i = 0; i < Math.min(errors.size(), ERRORS_IN_MESSAGE); i++) {
                text.append(i == 0 ? "" : "; ").append("item ").append(errors.get(i).index()).append(": ")
                        .append(errors.get(i).message());
            }
            if (errors.size() > ERRORS_IN_MESSAGE) {
                text.append("; and ").append(errors.size() - ERRORS_IN_MESSAGE).append(" more (see 'errors')");
            }
            return text.toString();
        }
    }

    /** Checks one item; answers what identifies it, so that an item given twice is found. */
    @FunctionalInterface
    public interface ItemCheck<T> {
        String identity(T item);
    }

    private final JobStore jobs;
    private final ObjectStore storage;
    private final ImageFetcher fetcher;
    private final ImageInspector inspector;
    private final OutboundUrlPolicy outboundPolicy;
    private final ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "manifest-submit");
        thread.setDaemon(true);
        return thread;
    });

    public ManifestImages(JobStore jobs, ObjectStore storage, ImageFetcher fetcher, ImageInspector inspector,
            OutboundUrlPolicy outboundPolicy) {
        this.jobs = jobs;
        this.storage = storage;
        this.fetcher = fetcher;
        this.inspector = inspector;
        this.outboundPolicy = outboundPolicy;
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    /** The body of a JSON manifest as an object; a 400 that shows {@code example} when it is not one. */
    static JsonNode manifest(String body, ObjectMapper json, String example) {
        JsonNode root;
        try {
            root = json.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw ApiException.badRequest("invalid_manifest", "the body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; send " + example);
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("invalid_manifest", "the body must be a JSON object with an 'items' list");
        }
        return root;
    }

    /** The manifest's list of items; a 400 that shows {@code oneItem} when it is missing or empty. */
    static JsonNode items(JsonNode manifest, String oneItem) {
        JsonNode items = manifest.get("items");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiException.badRequest("invalid_manifest", "the manifest has no items; 'items' must be a list "
                    + "of at least one " + oneItem);
        }
        return items;
    }

    /** Item {@code index} of a manifest, which must be an object. */
    static JsonNode item(JsonNode item, int index) {
        if (!item.isObject()) {
            throw ApiException.badRequest("invalid_manifest", "item " + index + " is not a JSON object");
        }
        return item;
    }

    /**
     * A string field of the manifest or of an item, or null when it is missing.
     *
     * @param where what the field belongs to, for the message ("item 3: "; "" for the manifest)
     */
    static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("invalid_manifest", where + "'" + field + "' must be a string");
        }
        return value.asText();
    }

    /** The 413 for a manifest of more than {@code brushline.batch.max-items} items. */
    public static void checkCount(int count, int limit, String of, String items) {
        if (count > limit) {
            throw new ApiException(Response.Status.REQUEST_ENTITY_TOO_LARGE, "too_many_items", "the " + of + " has "
                    + count + " " + items + "; the limit is " + limit + " (brushline.batch.max-items); split it into "
                    + "several " + of + (of.endsWith("h") ? "es" : "s"));
        }
    }

    /**
     * Checks every item and refuses the manifest with all of them named when any is bad or repeats an
     * earlier one.
     *
     * @param of       what the manifest is ("batch", "dataset"), for the message
     * @param sameWhat what makes two items the same, for the message ("image, instruction and hints")
     */
    public static <T> void checkAll(List<T> items, String of, String sameWhat, ItemCheck<T> check) {
        List<ItemError> errors = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                Integer first = seen.putIfAbsent(check.identity(items.get(i)), i);
                if (first != null) {
                    errors.add(new ItemError(i, "duplicate_item", "it repeats item " + first + " (the same "
                            + sameWhat + "); remove one of them"));
                }
            } catch (ApiException e) {
                errors.add(new ItemError(i, e.code(), e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidItems(of, errors);
        }
    }

    /**
     * Everything about an item's image that can be known before it is fetched: one source, a URL that
     * may be fetched, an image id of the tenant's; an uploaded file is read as an image here.
     *
     * @return what identifies the image, for finding duplicates
     */
    public String check(String tenant, Source source) {
        if (source.objectKey() != null) {
            return "object:" + source.objectKey();
        }
        int given = (source.imageUrl() != null ? 1 : 0) + (source.imageId() != null ? 1 : 0)
                + (source.image() != null ? 1 : 0);
        if (given == 0) {
            throw ApiException.badRequest("invalid_image", "the item has neither 'image_url' nor 'image_id'");
        }
        if (given > 1) {
            throw ApiException.badRequest("invalid_image", "the item has both 'image_url' and 'image_id'; give one");
        }
        if (source.image() != null) {
            inspector.inspect(source.image(), source.fileName() == null ? "image"
                    : "image '" + source.fileName() + "'");
            return "sha256:" + sha256(source.image());
        }
        if (source.imageId() != null) {
            Map<String, String> job = jobs.get(source.imageId());
            if (job.isEmpty() || !tenant.equals(job.get("tenant")) || job.get("sourceKey") == null
                    || "0".equals(job.get("width"))) {
                throw new ApiException(ApiException.UNPROCESSABLE, "unknown_image_id", "no image with id '"
                        + source.imageId() + "' (image_id is the id of an earlier edit job of yours, whose photo "
                        + "is used again)");
            }
            return "job:" + source.imageId();
        }
        return "url:" + checkUrl(source.imageUrl(), "image_url");
    }

    /** The URL's normal form when it may be fetched; else 400 invalid_image_url naming {@code field}. */
    public URI checkUrl(String url, String field) {
        try {
            return outboundPolicy.checkForm(url);
        } catch (OutboundUrlPolicy.Refused e) {
            throw ApiException.badRequest("invalid_image_url", field + " refused: " + e.getMessage());
        }
    }

    /** The image at {@code url}, which {@link #checkUrl} let through; every refusal names {@code field}. */
    public byte[] fetch(String url, String field) {
        return fetcher.fetch(url, field);
    }

    /**
     * The image's bytes: the upload, the download of its URL, the listed object, or the stored photo of
     * the earlier job.
     */
    public byte[] bytes(Source source) {
        if (source.image() != null) {
            return source.image();
        }
        if (source.objectKey() != null) {
            try {
                return storage.get(source.objectKey());
            } catch (MissingObjectException e) {
                throw ApiException.badRequest("invalid_image", "the object " + source.objectKey() + " was deleted "
                        + "after it was listed");
            }
        }
        if (source.imageUrl() != null) {
            return fetcher.fetch(source.imageUrl());
        }
        Map<String, String> job = jobs.get(source.imageId());
        try {
            return storage.get(job.getOrDefault("sourceKey", ObjectKeys.source(source.imageId())));
        } catch (MissingObjectException e) {
            throw ApiException.badRequest("invalid_image", "the photo of job " + source.imageId()
                    + " is no longer stored");
        }
    }

    /**
     * Runs {@code submit} for every index below {@code count}, {@code concurrency} at a time. The first
     * failure stops the indexes not yet started and is returned (null when every one ran).
     */
    public RuntimeException forEach(int count, int concurrency, IntConsumer submit) {
        AtomicInteger next = new AtomicInteger();
        int workers = Math.max(1, Math.min(concurrency, count));
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            running.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    submit.accept(i);
                }
                return null;
            }));
        }
        RuntimeException first = null;
        for (Future<?> worker : running) {
            try {
                worker.get();
            } catch (ExecutionException e) {
                next.set(count);
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                next.set(count);
                first = new ApiException(Response.Status.SERVICE_UNAVAILABLE, "interrupted",
                        "the gateway is shutting down; retry with the same Idempotency-Key");
            }
        }
        return first;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
