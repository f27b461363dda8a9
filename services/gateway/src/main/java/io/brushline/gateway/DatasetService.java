package io.brushline.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.brushline.common.messages.DatasetItem;
import io.brushline.common.messages.DatasetSettings;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Failure;
import io.brushline.common.messages.ImageRef;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.stage.StageProcessor;
import io.brushline.common.state.BatchStore;
import io.brushline.common.state.DatasetStore;
import io.brushline.common.state.JobStore;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectKeys;
import io.brushline.common.storage.ObjectStore;
import io.lettuce.core.api.sync.RedisCommands;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Dataset jobs as the API takes them: checks the manifest and the filters, records the dataset with its
 * settings (defaults filled in), stores each image and sends one survey request per image to
 * {@code dataset-requested}. An image that turns out unusable once fetched is sent all the same, with
 * its failure, so that the dataset counts it as a failed image and still completes.
 *
 * <p>Which images were sent is kept in Redis ({@code brushline:dataset-sent:<id>}), so that a retry with
 * the same Idempotency-Key sends exactly the images an earlier call did not get to, and a 503 can name them.
 */
@ApplicationScoped
public class DatasetService {

    private static final Logger LOG = Logger.getLogger(DatasetService.class);
    /** A submission holds its Idempotency-Key this long at most; others wait for it up to the wait. */
    private static final Duration SUBMISSION_LEASE = Duration.ofMinutes(10);
    private static final Duration SUBMISSION_WAIT = Duration.ofSeconds(30);
    private static final Set<String> ITEM_FIELDS = Set.of("image_url", "image_id", "objects");
    private static final Set<String> MANIFEST_FIELDS = Set.of("items", "prefix", "webhook_url", "filters");
    /** What a prefix's listing takes as an image; other objects under it are left out. */
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp");

    /**
     * A dataset as the client gave it: its images, or the {@code prefix} of the tenant's input area they
     * are listed from; {@code filters} already checked, defaults not yet filled in; {@code objects} the
     * items' own objects by image index, as given (checked by {@link #submit}).
     */
    public record Request(String tenant, List<ManifestImages.Source> images, String prefix, String webhookUrl,
            DatasetSettings filters, String idempotencyKey, String fingerprint, Map<Integer, JsonNode> objects) {
    }

    public record Accepted(String datasetId, boolean created, int images) {
    }

    /** A file of a dataset's output, with the content type its extension says. */
    public record File(byte[] bytes, String contentType) {
    }

    private final EditService edits;
    private final DatasetStore datasets;
    private final JobStore jobs;
    private final ObjectStore storage;
    private final ManifestImages images;
    private final ImageInspector inspector;
    private final RedisCommands<String, String> redis;
    private final MutinyEmitter<EditJob> requested;
    private final GatewayConfig gateway;
    private final BatchConfig limits;
    private final ObjectMapper json;
    private final SubmissionLock submissionLock;
    private final QueueBreaker breaker;

    public DatasetService(EditService edits, DatasetStore datasets, JobStore jobs, ObjectStore storage,
            ManifestImages images, ImageInspector inspector, RedisCommands<String, String> redis,
            @Channel("dataset-requested") MutinyEmitter<EditJob> requested, GatewayConfig gateway,
            BatchConfig limits, ObjectMapper json, QueueBreaker breaker) {
        this.edits = edits;
        this.datasets = datasets;
        this.jobs = jobs;
        this.storage = storage;
        this.images = images;
        this.inspector = inspector;
        this.redis = redis;
        this.requested = requested;
        this.gateway = gateway;
        this.limits = limits;
        this.json = json;
        this.submissionLock = new SubmissionLock(jobs, SUBMISSION_LEASE, SUBMISSION_WAIT);
        this.breaker = breaker;
    }

    // ---- reading the request ----

    /**
     * Reads a JSON manifest. What is wrong with its shape is answered 400; what is wrong with an image is
     * left to {@link #submit}, which names every bad item at once.
     */
    public static Request parseManifest(String tenant, String body, String idempotencyKey, ObjectMapper json) {
        JsonNode root = ManifestImages.manifest(body, json, "{\"items\": [{\"image_url\": ...} or "
                + "{\"image_id\": ...}, ...], \"filters\": {...}}");
        unknownFields(root, MANIFEST_FIELDS, "the manifest");
        JsonNode filters = root.get("filters");
        DatasetSettings settings = filters == null || filters.isNull() ? null : filters(filters, json);
        String webhookUrl = ManifestImages.text(root, "webhook_url", "");
        String fingerprint = ManifestImages.sha256(root.toString().getBytes(StandardCharsets.UTF_8));
        if (root.has("prefix")) {
            if (root.has("items")) {
                throw ApiException.badRequest("invalid_manifest", "the manifest has both 'items' and 'prefix'; give "
                        + "one: the images as items, or the prefix of your input area they are under");
            }
            return new Request(tenant, List.of(), prefix(ManifestImages.text(root, "prefix", "")), webhookUrl,
                    settings, idempotencyKey, fingerprint, Map.of());
        }
        List<ManifestImages.Source> sources = new ArrayList<>();
        Map<Integer, JsonNode> objects = new HashMap<>();
        int index = 0;
        for (JsonNode item : ManifestImages.items(root, "{\"image_url\"} or {\"image_id\"} (or give "
                + "'prefix' instead of 'items': the images under a folder of your input area)")) {
            ManifestImages.item(item, index);
            unknownFields(item, ITEM_FIELDS, "item " + index);
            sources.add(new ManifestImages.Source(ManifestImages.text(item, "image_url", "item " + index + ": "),
                    ManifestImages.text(item, "image_id", "item " + index + ": "), null, null));
            if (item.hasNonNull("objects")) {
                objects.put(index, item.get("objects"));
            }
            index++;
        }
        return new Request(tenant, sources, null, webhookUrl, settings, idempotencyKey, fingerprint, objects);
    }

    /**
     * The prefix as the client gave it, relative to its input area: "" is the whole area; a prefix that
     * is absolute or has '.', '..' or empty parts is refused, so that nobody relies on a store's
     * normalising of keys to stay inside the area.
     */
    static String prefix(String prefix) {
        String folders = prefix != null && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (prefix == null || !prefix.isEmpty() && !isRelativePath(folders)) {
            throw ApiException.badRequest("invalid_prefix", (prefix == null ? "prefix is null" : "'" + prefix
                    + "' is not a prefix of your input area") + "; give a relative one such as photos/rooms/, without "
                    + "a leading '/', '.', '..' or empty parts (it is read under inputs/<your tenant>/ of the bucket)");
        }
        return prefix;
    }

    /** A request of uploaded files; {@code filters} is the form field's JSON text (or null). */
    public static Request upload(String tenant, List<byte[]> files, List<String> fileNames, String webhookUrl,
            String filters, String idempotencyKey, ObjectMapper json) {
        List<ManifestImages.Source> sources = new ArrayList<>();
        StringBuilder all = new StringBuilder(String.valueOf(webhookUrl)).append('\n').append(filters);
        for (int i = 0; i < files.size(); i++) {
            sources.add(new ManifestImages.Source(null, null, files.get(i), fileNames.get(i)));
            all.append('\n').append(ManifestImages.sha256(files.get(i)));
        }
        DatasetSettings settings = null;
        if (filters != null && !filters.isBlank()) {
            try {
                settings = filters(json.readTree(filters), json);
            } catch (JsonProcessingException e) {
                throw ApiException.badRequest("invalid_filters", "filters is not valid JSON; send an object such "
                        + "as {\"classes\": [\"dog\", \"chair\"], \"min_area\": 0.01}");
            }
        }
        return new Request(tenant, sources, null, webhookUrl, settings, idempotencyKey,
                ManifestImages.sha256(all.toString().getBytes(StandardCharsets.UTF_8)), Map.of());
    }

    /**
     * The client's filters, strictly: an unknown name, a value of the wrong type, or values that do not
     * fit together ({@link DatasetSettings#problem()}) is a 400 {@code invalid_filters} that says which.
     */
    static DatasetSettings filters(JsonNode node, ObjectMapper json) {
        if (!node.isObject()) {
            throw ApiException.badRequest("invalid_filters", "filters must be a JSON object such as "
                    + "{\"classes\": [\"dog\", \"chair\"], \"min_area\": 0.01}");
        }
        DatasetSettings settings;
        try {
            settings = json.readerFor(DatasetSettings.class)
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                    .readValue(node);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("invalid_filters", "unknown filter '" + e.getPropertyName()
                    + "'; the filters are " + String.join(", ", filterNames(json)));
        } catch (MismatchedInputException e) {
            throw ApiException.badRequest("invalid_filters", "filter '" + path(e) + "' must be "
                    + expected(e.getTargetType()));
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("invalid_filters", "filters could not be read; send an object such as "
                    + "{\"classes\": [\"dog\", \"chair\"], \"min_area\": 0.01}");
        }
        String problem = settings.problem();
        if (problem != null) {
            throw ApiException.badRequest("invalid_filters", "invalid filters: " + problem);
        }
        return settings;
    }

    private static List<String> filterNames(ObjectMapper json) {
        List<String> names = new ArrayList<>();
        json.valueToTree(DatasetSettings.DEFAULTS).fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(ref -> ref.getFieldName() != null ? ref.getFieldName()
                : String.valueOf(ref.getIndex())).collect(Collectors.joining("."));
    }

    /** The type a filter takes, in words. */
    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type != null && List.class.isAssignableFrom(type)) {
            return "a list of class names";
        }
        return type == String.class ? "a string" : "of another type (see the documentation of filters)";
    }

    private static void unknownFields(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.badRequest("invalid_manifest", where + " has '" + name + "', which a dataset "
                        + "does not take (" + where + " may have " + known.stream().sorted()
                        .map(field -> "'" + field + "'").collect(Collectors.joining(", "))
                        + "); a dataset needs no instruction");
            }
        }
    }

    // ---- submitting ----

    /**
     * Checks the manifest, records the dataset and sends every image; answers once each image's survey
     * request is durable. The same Idempotency-Key answers the same dataset, sending the images an
     * earlier call did not get to.
     */
    public Accepted submit(Request request) {
        List<ManifestImages.Source> sources = request.prefix() == null ? request.images()
                : listed(request.tenant(), request.prefix());
        ManifestImages.checkCount(sources.size(), limits.maxItems(), "dataset", "images");
        String webhookUrl = edits.validWebhookUrl(request.webhookUrl());
        Map<Integer, List<SuppliedObjects.Given>> supplied = new HashMap<>();
        List<ManifestImages.Source> checked = sources;
        ManifestImages.checkAll(IntStream.range(0, sources.size()).boxed().toList(), "dataset", "image", i -> {
            if (request.objects().containsKey(i)) {
                List<SuppliedObjects.Given> objects = SuppliedObjects.parse(request.objects().get(i));
                for (int k = 0; k < objects.size(); k++) {
                    if (objects.get(k).maskUrl() != null) {
                        images.checkUrl(objects.get(k).maskUrl(), maskField(objects, k));
                    }
                }
                supplied.put(i, objects);
            }
            return images.check(request.tenant(), checked.get(i));
        });
        String key = request.idempotencyKey();
        if (key == null || key.isBlank()) {
            String datasetId = UUID.randomUUID().toString();
            create(datasetId, request, sources, supplied, webhookUrl);
            send(datasetId, request.tenant(), sources, supplied, false);
            return new Accepted(datasetId, true, sources.size());
        }
        String lock = "dataset:" + key;
        submissionLock.acquire(request.tenant(), lock, Optional::empty, "another request with the same "
                + "Idempotency-Key is still submitting this dataset; retry in a few seconds");
        try {
            // A newline cannot occur in a header value, so no edit's own Idempotency-Key can take this one.
            String binding = "dataset\n" + key;
            String datasetId = UUID.randomUUID().toString();
            Optional<String> existing = jobs.claimIdempotencyKey(request.tenant(), binding, datasetId,
                    gateway.idempotencyTtl());
            boolean created = true;
            if (existing.isPresent()) {
                datasetId = existing.get();
                Map<String, String> dataset = datasets.get(datasetId);
                created = !SubmissionLock.isRetry(dataset, request.fingerprint(), "dataset", datasetId);
                sources = listedBefore(dataset, sources);
            }
            create(datasetId, request, sources, supplied, webhookUrl);
            send(datasetId, request.tenant(), sources, supplied, true);
            return new Accepted(datasetId, created, sources.size());
        } finally {
            submissionLock.release(request.tenant(), lock);
        }
    }

    /**
     * The images under the tenant's prefix: the objects with an image extension, at any depth, in key
     * order. An empty listing is refused; too many is 413 saying how many were found.
     */
    private List<ManifestImages.Source> listed(String tenant, String prefix) {
        String where = ObjectKeys.tenantInputs(tenant) + prefix;
        List<String> keys = storage.list(where).stream()
                .filter(key -> IMAGE_EXTENSIONS.contains(extension(key))).sorted().toList();
        if (keys.isEmpty()) {
            throw ApiException.badRequest("empty_prefix", "there are no images under '" + prefix + "' ("
                    + where + " in the bucket); put .jpg, .jpeg, .png or .webp files there first");
        }
        if (keys.size() > limits.maxItems()) {
            throw new ApiException(Response.Status.REQUEST_ENTITY_TOO_LARGE, "too_many_items", "there are "
                    + keys.size() + " images under '" + prefix + "'; the limit is " + limits.maxItems()
                    + " (brushline.batch.max-items); give a narrower prefix");
        }
        return keys.stream().map(ManifestImages.Source::stored).toList();
    }

    /**
     * The images of a dataset made from a prefix, as listed when it was created: a retry must send image
     * i as it was then, even if objects were added under the prefix since.
     */
    private List<ManifestImages.Source> listedBefore(Map<String, String> dataset, List<ManifestImages.Source> now) {
        String inputs = dataset.get("inputs");
        if (inputs == null) {
            return now;
        }
        try {
            return List.of(json.readValue(inputs, String[].class)).stream().map(ManifestImages.Source::stored)
                    .toList();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the listed images of a dataset cannot be read", e);
        }
    }

    /**
     * Records the dataset with its settings, defaults filled in, the keys a prefix listed and the objects
     * supplied per image; a dataset of this id stays as it is.
     */
    private void create(String datasetId, Request request, List<ManifestImages.Source> sources,
            Map<Integer, List<SuppliedObjects.Given>> supplied, String webhookUrl) {
        DatasetSettings settings = (request.filters() == null ? DatasetSettings.DEFAULTS : request.filters())
                .withDefaults();
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            fields.put("settings", json.writeValueAsString(settings));
            if (request.prefix() != null) {
                fields.put("prefix", request.prefix());
                fields.put("inputs", json.writeValueAsString(sources.stream().map(ManifestImages.Source::objectKey)
                        .toList()));
            }
            for (var objects : supplied.entrySet()) {
                int image = objects.getKey();
                List<SuppliedObjects.Given> given = objects.getValue();
                fields.put(DatasetStore.suppliedObjectsField(image), json.writeValueAsString(IntStream
                        .range(0, given.size()).mapToObj(k -> given.get(k).stored(datasetId, image, k)).toList()));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        fields.put("fingerprint", request.fingerprint());
        if (webhookUrl != null) {
            fields.put("webhookUrl", webhookUrl);
        }
        if (datasets.create(datasetId, request.tenant(), sources.size(), fields,
                limits.maxDatasetsInFlightPerTenant()) == BatchStore.Created.TOO_MANY_IN_FLIGHT) {
            throw new ApiException(Response.Status.TOO_MANY_REQUESTS, "too_many_datasets", "you already have "
                    + limits.maxDatasetsInFlightPerTenant() + " datasets running "
                    + "(brushline.batch.max-datasets-in-flight-per-tenant); submit this one when one of them has "
                    + "completed");
        }
    }

    /**
     * Sends every image not sent yet, {@code submit-concurrency} at a time. An unreachable dependency
     * stops the sending and answers 503 naming the images not sent: with a key the retry sends them;
     * without one they are counted as failed images ({@code not_submitted}, see {@link #notSubmitted}) so
     * that the dataset completes without them, and the answer says so.
     */
    private void send(String datasetId, String tenant, List<ManifestImages.Source> sources,
            Map<Integer, List<SuppliedObjects.Given>> supplied, boolean keyed) {
        String traceparent = JobTracing.currentTraceparent().orElseGet(EditService::newTraceparent);
        RuntimeException first = images.forEach(sources.size(), limits.submitConcurrency(),
                i -> sendImage(datasetId, i, tenant, sources.get(i), supplied.get(i), traceparent));
        if (first == null) {
            return;
        }
        ApiException cause = CutShort.cause(first, LOG, "dataset " + datasetId,
                "storage or the queue is unreachable right now");
        String what = CutShort.what(cause);
        List<Integer> notSent = notSent(datasetId, sources.size());
        String shown = CutShort.shown(notSent, "not_sent");
        if (keyed) {
            throw partlySent(cause, "dataset " + datasetId + " was not fully submitted (" + what + "): "
                    + notSent.size() + " of " + sources.size() + " images were not sent (" + shown + "); retry with "
                    + "the same Idempotency-Key to send them", datasetId, notSent);
        }
        String reason = "the dataset's submission was cut short before this image was sent (" + what
                + "); submit it again";
        for (int image : notSent) {
            notSubmitted(datasetId, image, tenant, traceparent, reason);
        }
        throw partlySent(cause, "dataset " + datasetId + " was cut short (" + what + "): " + notSent.size()
                + " of " + sources.size() + " images were not sent (" + shown + "). They are counted as failed "
                + "images (not_submitted) and the dataset completes without them; send an Idempotency-Key so "
                + "that a retry sends them instead", datasetId, notSent);
    }

    /** A dataset whose images were not all sent: a 503 that names the dataset and the images not sent. */
    private static CutShort partlySent(ApiException cause, String message, String datasetId, List<Integer> notSent) {
        return new CutShort(Response.Status.SERVICE_UNAVAILABLE, cause.code(), message, "dataset_id", datasetId,
                "not_sent", notSent);
    }

    /** The images whose survey request is not durable yet, in order (all of them if Redis cannot say). */
    private List<Integer> notSent(String datasetId, int count) {
        Set<String> sent;
        try {
            sent = redis.smembers(sentKey(datasetId));
        } catch (RuntimeException e) {
            sent = Set.of();
        }
        List<Integer> notSent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!sent.contains(String.valueOf(i))) {
                notSent.add(i);
            }
        }
        return notSent;
    }

    private static String sentKey(String datasetId) {
        return "brushline:dataset-sent:" + datasetId;
    }

    /**
     * Stores image {@code index} and sends its survey request. An image refused for what it is (its URL
     * fails, the bytes are no image, too large, a supplied object's box lies outside it) is sent with
     * that failure instead, so the dataset counts it; an unreachable dependency (503) or a busy key (409)
     * stops the submission.
     *
     * @param objects the objects supplied for the image, or null
     */
    private void sendImage(String datasetId, int index, String tenant, ManifestImages.Source source,
            List<SuppliedObjects.Given> objects, String traceparent) {
        if (redis.sismember(sentKey(datasetId), String.valueOf(index))) {
            return;
        }
        String key = ObjectKeys.datasetSource(datasetId, index);
        ImageRef image;
        Failure failure = null;
        try {
            byte[] bytes = images.bytes(source);
            var info = inspector.inspect(bytes, "image");
            if (objects != null) {
                SuppliedObjects.checkFit(objects, info.width(), info.height());
                storeMasks(datasetId, index, objects, info);
            }
            storage.put(key, bytes, info.contentType());
            image = new ImageRef(key, info.contentType(), info.width(), info.height());
        } catch (ApiException e) {
            if (e.status() == Response.Status.SERVICE_UNAVAILABLE || e.status() == Response.Status.CONFLICT) {
                throw e;
            }
            LOG.infof("dataset %s image %d fails alone: %s", datasetId, index, e.getMessage());
            failure = new Failure("submit", e.code(), e.getMessage());
            image = placeholder(datasetId, index);
        }
        sendRecord(datasetId, index, tenant, image, failure, traceparent);
    }

    /**
     * Fetches each supplied object's mask and stores it where the dataset names it, as fetched; a mask
     * that cannot be fetched, is no image or has another size than the photo fails the image alone.
     */
    private void storeMasks(String datasetId, int image, List<SuppliedObjects.Given> objects,
            ImageInspector.ImageInfo photo) {
        for (int k = 0; k < objects.size(); k++) {
            if (objects.get(k).maskUrl() == null) {
                continue;
            }
            String field = maskField(objects, k);
            byte[] mask = images.fetch(objects.get(k).maskUrl(), field);
            var info = inspector.inspect(mask, field);
            if (info.width() != photo.width() || info.height() != photo.height()) {
                throw SuppliedObjects.invalid("the " + field + " is " + info.width() + "x" + info.height()
                        + " but the image is " + photo.width() + "x" + photo.height() + "; they must match");
            }
            storage.put(ObjectKeys.datasetSuppliedMask(datasetId, image, k), mask, info.contentType());
        }
    }

    /** "mask_url of object 2 (dog)": how a message names an object's mask. */
    private static String maskField(List<SuppliedObjects.Given> objects, int k) {
        return "mask_url of " + SuppliedObjects.describe(objects, k);
    }

    /** Where image {@code index} would have been, with the smallest size the message schema allows. */
    private static ImageRef placeholder(String datasetId, int index) {
        return new ImageRef(ObjectKeys.datasetSource(datasetId, index), "application/octet-stream", 1, 1);
    }

    /** Sends the survey request of image {@code index} and notes it sent; a 503 if the queue is unreachable. */
    private void sendRecord(String datasetId, int index, String tenant, ImageRef image, Failure failure,
            String traceparent) {
        EditJob job = surveyRequest(datasetId, index, tenant, image, failure, traceparent);
        try {
            requested.sendMessageAndAwait(StageProcessor.keyed(job));
        } catch (RuntimeException e) {
            LOG.errorf(e, "dataset %s image %d could not be sent", datasetId, index);
            throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "queue_unavailable",
                    "the job queue is unreachable right now; retry later");
        }
        noteSent(datasetId, index);
    }

    private static EditJob surveyRequest(String datasetId, int index, String tenant, ImageRef image,
            Failure failure, String traceparent) {
        return new EditJob(EditJob.SCHEMA_VERSION, datasetId + "-" + index, tenant, 1, traceparent,
                Instant.now().toString(), DatasetItem.SURVEY_INSTRUCTION, image, null, null, null, null, null, null,
                failure, null)
                .withDataset(DatasetItem.survey(datasetId, index));
    }

    private void noteSent(String datasetId, int index) {
        redis.sadd(sentKey(datasetId), String.valueOf(index));
        redis.expire(sentKey(datasetId), gateway.idempotencyTtl());
    }

    /**
     * Counts an image of a dataset cut short as failed ({@code not_submitted}): sent with that failure
     * when the queue takes it (storage was what failed), so the survey counts it as any failed image;
     * else counted here directly. Counted here, the image cannot finish the dataset (only the grounding
     * service writes its files): when it was the last, the grounding service's sweep finishes the dataset.
     *
     * <p>The send goes through the {@link QueueBreaker}: once the queue has refused one (this dataset's,
     * or any send through it within {@code resend-failures-every}), the others are counted here at once
     * instead of each waiting for Kafka's timeout.
     */
    private void notSubmitted(String datasetId, int image, String tenant, String traceparent, String reason) {
        try {
            EditJob job = surveyRequest(datasetId, image, tenant, placeholder(datasetId, image),
                    new Failure("submit", "not_submitted", reason), traceparent);
            breaker.send(() -> requested.sendMessageAndAwait(StageProcessor.keyed(job)));
            noteSent(datasetId, image);
            return;
        } catch (CircuitBreakerOpenException e) {
            // the queue refused a send just now: not tried, counted directly, without a line per image
        } catch (RuntimeException e) {
            LOG.warnf("dataset %s image %d: its failure could not be sent, counting it directly: %s", datasetId,
                    image, e.getMessage());
        }
        try {
            if (datasets.recordFailedImage(datasetId, image, failureJson("not_submitted", reason)) == 0) {
                LOG.warnf("dataset %s: its last image was counted at the gateway; the grounding service's sweep "
                        + "will finish it", datasetId);
            }
        } catch (RuntimeException e) {
            LOG.warnf("dataset %s image %d: could not be counted as not submitted: %s", datasetId, image,
                    e.getMessage());
        }
    }

    private String failureJson(String code, String message) {
        Map<String, String> failure = new LinkedHashMap<>();
        failure.put("error", code);
        failure.put("message", message);
        try {
            return json.writeValueAsString(failure);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- reading ----

    /** The dataset of the tenant, or empty (another tenant's dataset is no dataset at all). */
    public Optional<Map<String, String>> find(String tenant, String datasetId) {
        Map<String, String> dataset = datasets.get(datasetId);
        return dataset.isEmpty() || !tenant.equals(dataset.get("tenant")) ? Optional.empty() : Optional.of(dataset);
    }

    /** The dataset as {@code GET /v1/datasets/{id}} shows it, as of now. */
    public Map<String, Object> view(String datasetId, Map<String, String> dataset) {
        return DatasetView.of(datasetId, dataset, Instant.now(), json);
    }

    /**
     * The object at {@code path} under the dataset's output prefix, with a content type from its
     * extension.
     */
    public File file(String datasetId, String path) {
        String key = fileKey(datasetId, path);
        try {
            return new File(storage.get(key), contentType(path));
        } catch (MissingObjectException e) {
            throw missingFile(datasetId, path);
        }
    }

    /** A presigned URL of the object at {@code path} of the dataset's output, once it exists. */
    public String presignedFile(String datasetId, String path) {
        String key = fileKey(datasetId, path);
        try {
            storage.size(key);
        } catch (MissingObjectException e) {
            throw missingFile(datasetId, path);
        }
        return storage.presignedGet(key);
    }

    /** The object key of a path of the output; a path that could leave the dataset's prefix is refused. */
    static String fileKey(String datasetId, String path) {
        if (path == null || !isRelativePath(path)) {
            throw ApiException.badRequest("invalid_path", "'" + path + "' is not a file path of the dataset; give "
                    + "a path such as metadata.jsonl or images/000000-00-source.png, without '.', '..' or empty "
                    + "parts");
        }
        return ObjectKeys.datasetPrefix(datasetId) + path;
    }

    /** A path that stays below where it is read from: not absolute, no '.', '..' or empty parts. */
    private static boolean isRelativePath(String path) {
        return !path.isEmpty() && !path.startsWith("/") && !path.contains("\\")
                && List.of(path.split("/", -1)).stream().noneMatch(part -> part.isEmpty() || part.equals("..")
                || part.equals("."));
    }

    private static ApiException missingFile(String datasetId, String path) {
        return new ApiException(Response.Status.NOT_FOUND, "file_not_found", "dataset " + datasetId + " has no "
                + "file '" + path + "' (metadata.jsonl and README.md are written once the dataset has completed)");
    }

    /** The extension of a path's last part, in lower case; "" when it has none. */
    private static String extension(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
    }

    static String contentType(String path) {
        return switch (extension(path)) {
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "webp" -> "image/webp";
            case "gif" -> "image/gif";
            case "bmp" -> "image/bmp";
            case "jsonl" -> "application/x-ndjson";
            case "json" -> "application/json";
            case "md" -> "text/markdown; charset=utf-8";
            case "txt" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }
}
