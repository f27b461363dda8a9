package io.brushline.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.state.BatchStore;
import io.brushline.common.state.JobState;
import io.brushline.common.state.JobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Batches: many edits submitted at once, each item an ordinary job made through
 * {@link EditService#submitAs} under an id derived from the batch id and the item's index. The
 * manifest is checked whole before anything is stored, and a manifest with a broken item is refused
 * naming the item; an item whose image turns out unusable only once fetched fails alone, as a job
 * with its reason. A batch is answered once every item is queued (or failed), so a client that
 * retries with the same Idempotency-Key after a lost answer or a 503 completes the same batch and
 * creates no job twice.
 */
@ApplicationScoped
public class BatchService {

    private static final Logger LOG = Logger.getLogger(BatchService.class);
    private static final Duration SUBMISSION_WAIT = Duration.ofSeconds(30);
    private static final Duration SUBMISSION_LEASE = Duration.ofMinutes(10);
    static final int MAX_METADATA_BYTES = 4096;

    /** One item as the client gave it: exactly one of imageUrl, imageId and image. */
    public record Item(String imageUrl, String imageId, byte[] image, String fileName, String instruction,
            String box, String points, String metadataJson) {

        ManifestImages.Source source() {
            return new ManifestImages.Source(imageUrl, imageId, image, fileName);
        }
    }

    /** A batch as the client gave it. */
    public record Request(String tenant, List<Item> items, String webhookUrl, boolean itemWebhooks,
            String idempotencyKey, String fingerprint) {
    }

    public record Accepted(String batchId, boolean created, int total) {
    }

    /**
     * The answer to a batch without an Idempotency-Key whose submission was cut short: the items it
     * did not get to are recorded FAILED ({@code not_submitted}), and the answer lists them.
     */
    static CutShort partlySubmitted(ApiException cause, String batchId, int total, List<Integer> notSubmitted) {
        String message = "batch " + batchId + " was cut short: " + notSubmitted.size() + " of " + total
                + " items were not submitted (" + CutShort.what(cause) + "): item"
                + (notSubmitted.size() == 1 ? " " : "s ") + CutShort.shown(notSubmitted, "not_submitted")
                + ". They are recorded FAILED (not_submitted) and the batch completes without them; the other "
                + "items run. Submit those items again, and send an Idempotency-Key so that a retry finishes a "
                + "batch cut short instead";
        return new CutShort(cause.status(), cause.code(), message, "batch_id", batchId, "not_submitted", notSubmitted);
    }

    private final EditService edits;
    private final BatchStore batches;
    private final JobStore jobs;
    private final ManifestImages images;
    private final GatewayConfig gateway;
    private final BatchConfig config;
    private final SubmissionLock submissionLock;

    public BatchService(EditService edits, BatchStore batches, JobStore jobs, ManifestImages images,
            GatewayConfig gateway, BatchConfig config) {
        this.edits = edits;
        this.batches = batches;
        this.jobs = jobs;
        this.images = images;
        this.gateway = gateway;
        this.config = config;
        this.submissionLock = new SubmissionLock(jobs, SUBMISSION_LEASE, SUBMISSION_WAIT);
    }

    /**
     * Reads a JSON manifest. What is wrong with its shape is answered 400; what is wrong with an
     * item is left to {@link #submit}, which names every bad item at once.
     */
    public static Request parseManifest(String tenant, String body, String idempotencyKey, ObjectMapper json) {
        JsonNode root = ManifestImages.manifest(body, json, "{\"items\": [{\"image_url\": ..., "
                + "\"instruction\": ...}, ...]}");
        JsonNode items = ManifestImages.items(root, "{\"image_url\" or \"image_id\", \"instruction\"}");
        String defaultInstruction = text(root, "instruction", -1);
        String webhookUrl = text(root, "webhook_url", -1);
        JsonNode itemWebhooks = root.get("item_webhooks");
        if (itemWebhooks != null && !itemWebhooks.isNull() && !itemWebhooks.isBoolean()) {
            throw ApiException.badRequest("invalid_manifest", "'item_webhooks' must be true or false");
        }
        List<Item> parsed = new ArrayList<>();
        int index = 0;
        for (JsonNode item : items) {
            ManifestImages.item(item, index);
            String instruction = text(item, "instruction", index);
            if (instruction == null || instruction.isBlank()) {
                instruction = defaultInstruction;
            }
            JsonNode metadata = item.get("metadata");
            String metadataJson = metadata == null || metadata.isNull() ? null : metadata.toString();
            parsed.add(new Item(text(item, "image_url", index), text(item, "image_id", index), null, null,
                    instruction, hint(item, "box", index), hint(item, "points", index),
                    metadata != null && !metadata.isNull() && !metadata.isObject() ? "!" : metadataJson));
            index++;
        }
        return new Request(tenant, parsed, webhookUrl, itemWebhooks != null && itemWebhooks.asBoolean(),
                idempotencyKey, ManifestImages.sha256(root.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(JsonNode node, String field, int index) {
        return ManifestImages.text(node, field, index < 0 ? "" : "item " + index + ": ");
    }

    /** A hint as the single-edit form takes it: a string, or the JSON array written as one. */
    private static String hint(JsonNode item, String field, int index) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isArray()) {
            return value.toString();
        }
        throw ApiException.badRequest("invalid_manifest", "item " + index + ": '" + field
                + "' must be a string or a list of numbers");
    }

    /** The fingerprint of an upload: the instruction and every file, in order. */
    public static String fingerprint(String instruction, List<byte[]> files, String webhookUrl, boolean itemWebhooks) {
        StringBuilder all = new StringBuilder(String.valueOf(instruction)).append('\n').append(webhookUrl)
                .append('\n').append(itemWebhooks);
        for (byte[] file : files) {
            all.append('\n').append(ManifestImages.sha256(file));
        }
        return ManifestImages.sha256(all.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks the manifest, records the batch and submits every item; answers once each item is
     * queued or has failed alone. The same Idempotency-Key answers the same batch, finishing the
     * submission of items an earlier call did not get to.
     */
    public Accepted submit(Request request) {
        ManifestImages.checkCount(request.items().size(), config.maxItems(), "batch", "items");
        String webhookUrl = edits.validWebhookUrl(request.webhookUrl());
        if (request.itemWebhooks() && webhookUrl == null) {
            throw ApiException.badRequest("invalid_manifest", "item_webhooks is true but the batch has no webhook_url");
        }
        List<Item> items = check(request);
        String key = request.idempotencyKey();
        if (key == null || key.isBlank()) {
            String batchId = UUID.randomUUID().toString();
            create(batchId, request, items, webhookUrl, false);
            submitItems(batchId, request.tenant(), items, webhookUrl, request.itemWebhooks(), false);
            return new Accepted(batchId, true, items.size());
        }
        String lock = "batch:" + key;
        submissionLock.acquire(request.tenant(), lock, Optional::empty, "another request with the same "
                + "Idempotency-Key is still submitting this batch; retry in a few seconds");
        try {
            String batchId = UUID.randomUUID().toString();
            Optional<String> existing = batches.claimIdempotencyKey(request.tenant(), key, batchId,
                    gateway.idempotencyTtl());
            boolean created = true;
            if (existing.isPresent()) {
                Map<String, String> batch = batches.get(existing.get());
                if (SubmissionLock.isRetry(batch, request.fingerprint(), "batch", existing.get())) {
                    created = false;
                    if ("1".equals(batch.get("submitted"))) {
                        return new Accepted(existing.get(), false, Integer.parseInt(batch.get("total")));
                    }
                }
                batchId = existing.get();
            }
            create(batchId, request, items, webhookUrl, true);
            submitItems(batchId, request.tenant(), items, webhookUrl, request.itemWebhooks(), true);
            return new Accepted(batchId, created, items.size());
        } finally {
            submissionLock.release(request.tenant(), lock);
        }
    }

    private void create(String batchId, Request request, List<Item> items, String webhookUrl, boolean keyed) {
        List<String> jobIds = new ArrayList<>();
        Map<Integer, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            jobIds.add(BatchStore.itemJobId(batchId, i));
            if (items.get(i).metadataJson() != null) {
                metadata.put(i, items.get(i).metadataJson());
            }
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("createdAt", Instant.now().toString());
        fields.put("fingerprint", request.fingerprint());
        fields.put("itemWebhooks", String.valueOf(request.itemWebhooks()));
        if (webhookUrl != null) {
            fields.put("webhookUrl", webhookUrl);
        }
        var outcome = batches.create(new BatchStore.NewBatch(batchId, request.tenant(), jobIds, fields, metadata),
                config.maxInFlightPerTenant());
        if (outcome == BatchStore.Created.TOO_MANY_IN_FLIGHT) {
            if (keyed) {
                batches.releaseIdempotencyKey(request.tenant(), request.idempotencyKey());
            }
            throw new ApiException(Response.Status.TOO_MANY_REQUESTS, "too_many_batches", "you already have "
                    + config.maxInFlightPerTenant() + " batches running (brushline.batch.max-in-flight-per-tenant); "
                    + "submit this one when one of them has completed");
        }
    }

    /**
     * Everything about the items that can be known before anything is fetched: an instruction, one
     * image source, a URL that may be fetched, an image id of the tenant's, hints that parse, metadata
     * that is an object, no item twice; uploaded files are read as images here.
     */
    private List<Item> check(Request request) {
        ManifestImages.checkAll(request.items(), "batch", "image, instruction and hints", item -> {
            String source = checkItem(request.tenant(), item);
            return source + "\n" + item.instruction().strip() + "\n" + item.box() + "\n" + item.points();
        });
        return request.items();
    }

    /** @return what identifies the item's image, for finding duplicates */
    private String checkItem(String tenant, Item item) {
        if (item.instruction() == null || item.instruction().isBlank()) {
            throw ApiException.badRequest("invalid_instruction", "the instruction is missing; give 'instruction' "
                    + "on the item or once for the whole batch");
        }
        if (item.instruction().strip().length() > gateway.maxInstructionLength()) {
            throw ApiException.badRequest("invalid_instruction", "the instruction has "
                    + item.instruction().strip().length() + " characters; the limit is "
                    + gateway.maxInstructionLength());
        }
        if ("!".equals(item.metadataJson())) {
            throw ApiException.badRequest("invalid_metadata", "metadata must be a JSON object");
        }
        if (item.metadataJson() != null
                && item.metadataJson().getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
            throw ApiException.badRequest("invalid_metadata", "metadata is larger than " + MAX_METADATA_BYTES
                    + " bytes of JSON");
        }
        // Hints parse here; whether they fit the image is known once it is read.
        HintParser.box(item.box(), Integer.MAX_VALUE, Integer.MAX_VALUE);
        HintParser.points(item.points(), Integer.MAX_VALUE, Integer.MAX_VALUE);
        return images.check(tenant, item.source());
    }

    /**
     * Submits the items, {@code submit-concurrency} at a time. An item refused for what it is fails
     * alone; an unreachable dependency (503) stops the submission and answers the client, whose retry
     * with the same key goes on where this one stopped. Without a key nothing can go on: the items
     * not submitted are failed ({@link #failNotSubmitted}) and the answer lists them.
     */
    private void submitItems(String batchId, String tenant, List<Item> items, String webhookUrl, boolean itemWebhooks,
            boolean keyed) {
        RuntimeException first = images.forEach(items.size(), config.submitConcurrency(),
                i -> submitItem(batchId, i, tenant, items.get(i), itemWebhooks ? webhookUrl : null));
        if (first != null) {
            // A batch cut short holds no in-flight slot: without a retry it would hold it until it expired.
            batches.releaseInFlight(tenant, batchId);
            ApiException cause = CutShort.cause(first, LOG, "batch " + batchId,
                    "storage or the job store is unreachable right now");
            if (!keyed) {
                throw partlySubmitted(cause, batchId, items.size(),
                        failNotSubmitted(batchId, tenant, items, itemWebhooks ? webhookUrl : null, cause));
            }
            if (cause.status() != Response.Status.SERVICE_UNAVAILABLE) {
                throw cause;
            }
            throw new ApiException(cause.status(), cause.code(), "batch " + batchId + " was not fully submitted: "
                    + cause.getMessage() + "; retry with the same Idempotency-Key to submit the rest");
        }
        submitted(batchId);
    }

    /** Records that the submission has ended; a cancel that came meanwhile reaches the items it queued too. */
    private void submitted(String batchId) {
        batches.markSubmitted(batchId);
        if ("1".equals(batches.get(batchId).get("cancelRequested"))) {
            cancel(batchId);
        }
    }

    /**
     * Records every item of a batch cut short that is not queued as FAILED with code
     * {@code not_submitted}, sent to {@code edit-failed} like an item that fails alone, so that the
     * batch still completes. An item whose failure cannot be sent (the queue is what is down) is still
     * recorded FAILED, so that the batch and the item's job say what happened.
     *
     * @return the indexes of the items not submitted
     */
    private List<Integer> failNotSubmitted(String batchId, String tenant, List<Item> items, String itemWebhookUrl,
            ApiException cause) {
        List<Integer> notSubmitted = new ArrayList<>();
        String reason = "the batch's submission was cut short before this item was queued ("
                + CutShort.what(cause) + "); submit it again";
        for (int i = 0; i < items.size(); i++) {
            String jobId = BatchStore.itemJobId(batchId, i);
            if (jobs.isEnqueued(jobId)) {
                continue;
            }
            notSubmitted.add(i);
            try {
                edits.failAs(jobId, tenant, items.get(i).instruction().strip(), itemWebhookUrl, "not_submitted",
                        reason, Map.of("batchId", batchId, "batchIndex", String.valueOf(i)));
            } catch (RuntimeException e) {
                LOG.warnf("batch %s item %d: its failure could not be sent: %s", batchId, i, e.getMessage());
            }
        }
        submitted(batchId);
        return notSubmitted;
    }

    private void submitItem(String batchId, int index, String tenant, Item item, String itemWebhookUrl) {
        String jobId = BatchStore.itemJobId(batchId, index);
        if (jobs.isEnqueued(jobId)) {
            return;
        }
        Map<String, String> tags = Map.of("batchId", batchId, "batchIndex", String.valueOf(index));
        String instruction = item.instruction().strip();
        try {
            byte[] image = images.bytes(item.source());
            edits.submitAs(jobId, new EditService.Submission(tenant, instruction, image, null, item.box(),
                    item.points(), itemWebhookUrl, null), tags);
        } catch (ApiException e) {
            if (e.status() == Response.Status.SERVICE_UNAVAILABLE || e.status() == Response.Status.CONFLICT) {
                throw e;
            }
            LOG.infof("batch %s item %d fails alone: %s", batchId, index, e.getMessage());
            edits.failAs(jobId, tenant, instruction, itemWebhookUrl, e.code(), e.getMessage(), tags);
        }
    }

    /**
     * Cancels every item that has not ended, through the single-job cancel; a batch whose items have
     * all ended stays as it is. Returns false for no such batch.
     */
    public boolean cancel(String batchId) {
        var request = batches.requestCancel(batchId);
        if (request != BatchStore.CancelRequest.RECORDED) {
            return request == BatchStore.CancelRequest.ALREADY_COMPLETE;
        }
        for (String jobId : batches.jobIds(batchId)) {
            Optional<JobState> state = jobs.state(jobId);
            if (state.isPresent() && !state.get().isTerminal()) {
                edits.cancel(jobId);
            }
        }
        return true;
    }

    /** The batch of the tenant, or empty (another tenant's batch is no batch at all). */
    public Optional<Map<String, String>> find(String tenant, String batchId) {
        Map<String, String> batch = batches.get(batchId);
        return batch.isEmpty() || !tenant.equals(batch.get("tenant")) ? Optional.empty() : Optional.of(batch);
    }

    /**
     * The batch as the API shows it: state, counts by job state, and one page of items.
     *
     * @param offset the first item of the page
     */
    public Map<String, Object> view(String batchId, Map<String, String> batch, int offset, int pageSize,
            ObjectMapper json) {
        int total = Integer.parseInt(batch.get("total"));
        long remaining = Long.parseLong(batch.getOrDefault("remaining", "0"));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", batchId);
        view.put("state", "1".equals(batch.get("cancelRequested")) ? "cancelled"
                : remaining == 0 ? "completed" : "running");
        view.put("total", total);
        view.put("remaining", remaining);
        Map<String, Long> counts = new LinkedHashMap<>();
        batches.stateCounts(batchId).forEach((state, n) -> counts.put("MISSING".equals(state) ? "NOT_SUBMITTED" : state,
                n));
        view.put("counts", counts);
        view.put("created_at", batch.get("createdAt"));
        if (batch.containsKey("completedAt")) {
            view.put("completed_at", batch.get("completedAt"));
        }
        if (batch.containsKey("manifestKey")) {
            view.put("manifest_url", "/v1/batches/" + batchId + "/manifest");
        }
        if (batch.containsKey("webhookUrl")) {
            view.put("webhook_url", batch.get("webhookUrl"));
            view.put("item_webhooks", Boolean.parseBoolean(batch.get("itemWebhooks")));
        }
        if (batch.containsKey("webhook")) {
            view.put("webhook", batch.get("webhook"));
        }
        List<String> ids = batches.jobIds(batchId, offset, pageSize);
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            indexes.add(offset + i);
        }
        List<String> metadata = batches.metadata(batchId, indexes);
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            items.add(item(offset + i, ids.get(i), jobs.get(ids.get(i)), metadata.get(i), json));
        }
        view.put("items", items);
        view.put("offset", offset);
        view.put("page_size", pageSize);
        if (offset + ids.size() < total) {
            view.put("next_page_token", PageToken.of(offset + ids.size()));
        }
        return view;
    }

    /** One item as the batch view and the result manifest show it. */
    static Map<String, Object> item(int index, String jobId, Map<String, String> job, String metadata,
            ObjectMapper json) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("index", index);
        item.put("job_id", jobId);
        item.put("state", job.isEmpty() ? "NOT_SUBMITTED" : job.get("state"));
        if (!job.isEmpty()) {
            item.put("status_url", "/v1/edits/" + jobId);
        }
        if (JobView.publishedResultKey(job) != null) {
            item.put("result_url", "/v1/edits/" + jobId + "/result");
            item.put("result_type", JobStore.resultType(job));
        }
        if (job.containsKey("reason") && JobState.FAILED.name().equals(job.get("state"))) {
            item.put("failure", Map.of("code", job.getOrDefault("failureCode", ""), "reason", job.get("reason")));
        }
        if (metadata != null) {
            try {
                item.put("metadata", json.readTree(metadata));
            } catch (JsonProcessingException e) {
                item.put("metadata", metadata);
            }
        }
        return item;
    }

    /** Opaque page tokens: the offset of the page's first item, so that pages stay stable as jobs move. */
    static final class PageToken {
        private PageToken() {
        }

        static String of(int offset) {
            return java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
        }

        static int offset(String token) {
            try {
                String text = new String(java.util.Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                if (text.startsWith("o:")) {
                    int offset = Integer.parseInt(text.substring(2));
                    if (offset >= 0) {
                        return offset;
                    }
                }
            } catch (IllegalArgumentException e) {
                // falls through to the refusal
            }
            throw ApiException.badRequest("invalid_page_token", "page_token is not one this API gave out; use "
                    + "the next_page_token of the previous page");
        }
    }
}
