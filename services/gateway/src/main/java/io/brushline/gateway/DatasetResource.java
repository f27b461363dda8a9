package io.brushline.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
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
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Dataset jobs: images in, pairs "with the object" / "without it" out, written as an image folder dataset. */
@Path("/v1/datasets")
public class DatasetResource {

    private final DatasetService datasets;
    private final TenantResolver tenants;
    private final RateLimiter rateLimiter;
    private final ObjectMapper json;

    @HeaderParam("Authorization")
    String authorization;

    @HeaderParam("X-API-Key")
    String apiKey;

    public DatasetResource(DatasetService datasets, TenantResolver tenants, RateLimiter rateLimiter,
            ObjectMapper json) {
        this.datasets = datasets;
        this.tenants = tenants;
        this.rateLimiter = rateLimiter;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a dataset job (JSON manifest)", description = "{\"items\": [{\"image_url\"} or "
            + "{\"image_id\" (an earlier edit job whose photo is used again)}, each with optional \"objects\" "
            + "([{\"box\": [x1, y1, x2, y2], \"label\"}], up to 20, removed instead of what the detector finds)] "
            + "or \"prefix\" (the .jpg, .jpeg, .png and .webp objects under inputs/<tenant>/<prefix> of the bucket, "
            + "in key order; 400 invalid_prefix for an absolute prefix or one with '.' or '..', 400 empty_prefix "
            + "when none), optional \"webhook_url\" "
            + "(dataset.completed once every pair has ended) and \"filters\" (which objects to take: classes, "
            + "min_area, max_area, max_border_sides, max_overlap, single_instance, max_objects_per_image, "
            + "verify_threshold; defaults for what is left out). A manifest with a bad item is refused (422, "
            + "naming every such item by index; 413 above brushline.batch.max-items); bad filters are 400 "
            + "invalid_filters. An image that cannot be fetched or read counts as a failed image of the "
            + "dataset. Answers 202 once every image is queued; the same Idempotency-Key returns the same "
            + "dataset. Cut short (503): the answer names 'dataset_id' and the images 'not_sent'.")
    public Response submitManifest(String body,
            @Parameter(description = "Retries with the same key return the dataset of the first call")
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        String tenant = tenants.tenant(authorization, apiKey);
        rateLimiter.acquire(tenant, RateLimiter.Kind.SUBMISSIONS);
        return accepted(datasets.submit(DatasetService.parseManifest(tenant, body, idempotencyKey, json)));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a dataset job (uploaded files)", description = "Multipart form: several 'image' "
            + "files, optional 'webhook_url' and 'filters' (the filters object as JSON text). Image i is the "
            + "i-th file. Answers as the JSON form does.")
    public Response submitUpload(
            @RestForm("image") List<FileUpload> images,
            @RestForm("webhook_url") String webhookUrl,
            @RestForm("filters") String filters,
            @Parameter(description = "Retries with the same key return the dataset of the first call")
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        String tenant = tenants.tenant(authorization, apiKey);
        rateLimiter.acquire(tenant, RateLimiter.Kind.SUBMISSIONS);
        List<byte[]> files = ManifestEndpoints.files(images);
        List<String> names = images.stream().map(FileUpload::fileName).toList();
        return accepted(datasets.submit(DatasetService.upload(tenant, files, names, webhookUrl, filters,
                idempotencyKey, json)));
    }

    private static Response accepted(DatasetService.Accepted accepted) {
        return ManifestEndpoints.accepted("/v1/datasets/" + accepted.datasetId(), accepted.datasetId(), "images",
                accepted.images(), accepted.created());
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The dataset: state (running, completed), images surveyed, objects found, pairs "
            + "queued, kept and dropped (by reason), failed images, rate and ETA, filters used, output URLs")
    public Map<String, Object> status(@PathParam("id") String id) {
        return datasets.view(id, existing(id));
    }

    @GET
    @Path("/{id}/files/{path: .+}")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "A file of the dataset's output (metadata.jsonl, README.md, images/...); with "
            + "redirect=true a 307 to a presigned URL")
    public Response file(@PathParam("id") String id, @PathParam("path") String path,
            @QueryParam("redirect") boolean redirect) {
        existing(id);
        if (redirect) {
            return Response.temporaryRedirect(URI.create(datasets.presignedFile(id, path))).build();
        }
        DatasetService.File file = datasets.file(id, path);
        return Response.ok(file.bytes(), file.contentType()).build();
    }

    /** The dataset of the caller's tenant, counted as one read of that tenant. */
    private Map<String, String> existing(String id) {
        String tenant = tenants.tenant(authorization, apiKey);
        rateLimiter.acquire(tenant, RateLimiter.Kind.READS);
        return datasets.find(tenant, id).orElseThrow(() -> new ApiException(Response.Status.NOT_FOUND,
                "dataset_not_found", "no dataset with id " + id));
    }
}
