package io.brushline.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Batches of edits: submit many at once, follow them as one, cancel them as one. */
@Path("/v1/batches")
public class BatchResource {

    private final BatchService batches;
    private final TenantResolver tenants;
    private final RateLimiter rateLimiter;
    private final ObjectStore storage;
    private final BatchConfig config;
    private final ObjectMapper json;

    @HeaderParam("Authorization")
    String authorization;

    @HeaderParam("X-API-Key")
    String apiKey;

    public BatchResource(BatchService batches, TenantResolver tenants, RateLimiter rateLimiter, ObjectStore storage,
            BatchConfig config, ObjectMapper json) {
        this.batches = batches;
        this.tenants = tenants;
        this.rateLimiter = rateLimiter;
        this.storage = storage;
        this.config = config;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a batch of edits (JSON manifest)", description = "{\"items\": [{\"image_url\" or "
            + "\"image_id\" (an earlier job whose photo is used again), \"instruction\", optional \"box\", "
            + "\"points\", \"metadata\" (a JSON object, returned with the item)}], optional \"instruction\" "
            + "(the default of every item), \"webhook_url\" (batch.completed once every item has ended), "
            + "\"item_webhooks\" (also each job's own webhook)}. A manifest with a bad item is refused (422, "
            + "naming every such item by index; 413 above brushline.batch.max-items); an item whose image "
            + "cannot be fetched or read fails alone. Answers 202 with the batch id once every item is "
            + "queued; the same Idempotency-Key returns the same batch and creates no job twice. Cut short "
            + "(503): with a key, the retry queues the rest; without one, the items not queued are FAILED "
            + "(not_submitted) and the answer lists them in 'not_submitted' with the 'batch_id'.")
    public Response submitManifest(String body,
            @Parameter(description = "Retries with the same key return the batch of the first call")
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        String tenant = tenants.tenant(authorization, apiKey);
        rateLimiter.acquire(tenant, RateLimiter.Kind.SUBMISSIONS);
        return accepted(batches.submit(BatchService.parseManifest(tenant, body, idempotencyKey, json)));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a batch of edits (uploaded files)", description = "Multipart form: several 'image' "
            + "files, one 'instruction' for all, optional 'webhook_url' and 'item_webhooks' (true/false). Item i "
            + "is the i-th file. Answers as the JSON form does.")
    public Response submitUpload(
            @RestForm("image") List<FileUpload> images,
            @RestForm("instruction") String instruction,
            @RestForm("webhook_url") String webhookUrl,
            @RestForm("item_webhooks") String itemWebhooks,
            @Parameter(description = "Retries with the same key return the batch of the first call")
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        String tenant = tenants.tenant(authorization, apiKey);
        rateLimiter.acquire(tenant, RateLimiter.Kind.SUBMISSIONS);
        List<byte[]> files = ManifestEndpoints.files(images);
        ManifestImages.checkCount(files.size(), config.maxItems(), "batch", "items");
        boolean perItem = itemWebhooks != null && !itemWebhooks.isBlank() && switch (itemWebhooks.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("invalid_manifest", "item_webhooks must be true or false");
        };
        List<BatchService.Item> items = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            items.add(new BatchService.Item(null, null, files.get(i), images.get(i).fileName(), instruction, null,
                    null, null));
        }
        return accepted(batches.submit(new BatchService.Request(tenant, items, webhookUrl, perItem, idempotencyKey,
                BatchService.fingerprint(instruction, files, webhookUrl, perItem))));
    }

    private static Response accepted(BatchService.Accepted accepted) {
        return ManifestEndpoints.accepted("/v1/batches/" + accepted.batchId(), accepted.batchId(), "total",
                accepted.total(), accepted.created());
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The batch: state (running, completed, cancelled), total, counts by job state, the "
            + "result manifest once every item has ended, and one page of items (index, job id, state, result "
            + "URL or failure code and reason, metadata)")
    public Map<String, Object> status(@PathParam("id") String id,
            @Parameter(description = "Items per page (default brushline.batch.default-page-size)")
            @QueryParam("page_size") String pageSize,
            @Parameter(description = "next_page_token of the previous page") @QueryParam("page_token") String pageToken,
            @Parameter(description = "Index of the first item (instead of page_token)") @QueryParam("offset")
            String offset) {
        Map<String, String> batch = existing(id);
        int size = pageSize == null ? config.defaultPageSize() : number("page_size", pageSize);
        if (size < 1 || size > config.maxPageSize()) {
            throw ApiException.badRequest("invalid_page_size", "page_size must be between 1 and "
                    + config.maxPageSize() + "; got " + size);
        }
        if (offset != null && pageToken != null) {
            throw ApiException.badRequest("invalid_page_token", "give page_token or offset, not both");
        }
        int from = pageToken != null ? BatchService.PageToken.offset(pageToken)
                : offset == null ? 0 : number("offset", offset);
        if (from < 0) {
            throw ApiException.badRequest("invalid_page_token", "offset must be 0 or more; got " + from);
        }
        return batches.view(id, batch, from, size, json);
    }

    @GET
    @Path("/{id}/manifest")
    @Produces({"application/x-ndjson", MediaType.APPLICATION_JSON})
    @Operation(summary = "The result manifest (JSON lines, one per item in order), once every item has ended; "
            + "with redirect=true a 307 to a presigned URL")
    public Response manifest(@PathParam("id") String id, @QueryParam("redirect") boolean redirect) {
        Map<String, String> batch = existing(id);
        String key = batch.get("manifestKey");
        if (key == null) {
            throw new ApiException(Response.Status.CONFLICT, "not_ready", "the manifest of batch " + id
                    + " is written once every item has ended; " + batch.getOrDefault("remaining", "some")
                    + " of " + batch.get("total") + " items have not");
        }
        if (redirect) {
            return Response.temporaryRedirect(URI.create(storage.presignedGet(key))).build();
        }
        try {
            return Response.ok(storage.get(key), "application/x-ndjson").build();
        } catch (MissingObjectException e) {
            throw new ApiException(Response.Status.GONE, "expired", "the manifest of batch " + id
                    + " is no longer stored");
        }
    }

    @DELETE
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel the batch: every item that has not ended is canceled as DELETE /v1/edits/{id} "
            + "does; items that ended stay as they are. The batch still completes (and its webhook is sent) once "
            + "every item has ended. A batch whose items have all ended stays completed")
    public Map<String, Object> cancel(@PathParam("id") String id) {
        Map<String, String> batch = existing(id);
        batches.cancel(id);
        // the batch as it is now, read again without counting a second read of the tenant
        return batches.view(id, batches.find(batch.get("tenant"), id).orElse(batch), 0, config.defaultPageSize(),
                json);
    }

    /** The batch of the caller's tenant, counted as one read of that tenant. */
    private Map<String, String> existing(String id) {
        String tenant = tenants.tenant(authorization, apiKey);
        rateLimiter.acquire(tenant, RateLimiter.Kind.READS);
        return batches.find(tenant, id).orElseThrow(() -> new ApiException(Response.Status.NOT_FOUND, "not_found",
                "no batch with id " + id));
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name.equals("offset") ? "invalid_page_token" : "invalid_page_size",
                    name + " must be a whole number; got '" + value + "'");
        }
    }
}
