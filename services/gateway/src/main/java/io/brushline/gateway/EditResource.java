package io.brushline.gateway;

import io.brushline.common.state.JobStore;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.common.annotation.Blocking;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** The public API: submit an edit, follow it (status or server-sent events), fetch its result and mask, cancel it. */
@Path("/v1/edits")
public class EditResource {

    private final EditService edits;
    private final JobStore jobs;
    private final ObjectStore storage;
    private final TenantResolver tenants;
    private final RateLimiter rateLimiter;
    private final ImageFetcher imageFetcher;
    private final ProgressStreams progress;

    @HeaderParam("Authorization")
    String authorization;

    @HeaderParam("X-API-Key")
    String apiKey;

    public EditResource(EditService edits, JobStore jobs, ObjectStore storage,
            TenantResolver tenants, RateLimiter rateLimiter, ImageFetcher imageFetcher, ProgressStreams progress) {
        this.progress = progress;
        this.imageFetcher = imageFetcher;
        this.edits = edits;
        this.jobs = jobs;
        this.storage = storage;
        this.tenants = tenants;
        this.rateLimiter = rateLimiter;
    }

    @POST
    // Files need multipart; a form of only image_url and text fields may also come url-encoded.
    @Consumes({MediaType.MULTIPART_FORM_DATA, MediaType.APPLICATION_FORM_URLENCODED})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit an edit", description = "Multipart form: image (file) or image_url, instruction, optional "
            + "webhook_url, optional hints that replace detection: box (x1,y1,x2,y2), points ([[x,y],...]) or "
            + "mask (an image of the same size, white = edit); optional background_image (file) to put behind "
            + "the subject of a background edit, scaled to cover the photo; optional output_format: png, jpeg or "
            + "auto (the default: a JPEG photo gives a JPEG result, any other a PNG). Answers 202 with the job id; "
            + "the same Idempotency-Key returns the same job.")
    public Response submit(
            @RestForm("image") FileUpload image,
            @RestForm("image_url") String imageUrl,
            @RestForm("instruction") String instruction,
            @RestForm("webhook_url") String webhookUrl,
            @RestForm("box") String box,
            @RestForm("points") String points,
            @RestForm("mask") FileUpload mask,
            @RestForm("background_image") FileUpload backgroundImage,
            @RestForm("output_format") String outputFormat,
            @Parameter(description = "Retries with the same key return the job of the first call")
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        String tenant = tenants.tenant(authorization, apiKey);
        rateLimiter.acquire(tenant, RateLimiter.Kind.SUBMISSIONS);
        byte[] imageBytes;
        if (image != null) {
            imageBytes = read(image);
        } else if (imageUrl != null && !imageUrl.isBlank()) {
            imageBytes = imageFetcher.fetch(imageUrl);
        } else {
            throw ApiException.badRequest("invalid_image", "the form has neither an 'image' file nor an 'image_url'");
        }
        var accepted = edits.submit(new EditService.Submission(tenant, instruction, imageBytes,
                mask == null ? null : read(mask), box, points, webhookUrl, idempotencyKey,
                backgroundImage == null ? null : read(backgroundImage), outputFormat));
        String statusUrl = "/v1/edits/" + accepted.jobId();
        return Response.status(accepted.created() ? Response.Status.ACCEPTED : Response.Status.OK)
                .location(URI.create(statusUrl))
                .entity(Map.of("id", accepted.jobId(), "status_url", statusUrl, "created", accepted.created()))
                .build();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The job's state, what each stage decided, timings, and the failure reason if any")
    public Map<String, Object> status(@PathParam("id") String id) {
        return JobView.of(id, existing(id));
    }

    @GET
    @Path("/{id}/result")
    @Produces({"image/png", "image/jpeg", MediaType.APPLICATION_JSON})
    @Operation(summary = "The edited image (PNG or JPEG, as result_type says), or with redirect=true a 307 to a "
            + "presigned URL")
    public Response result(@PathParam("id") String id, @QueryParam("redirect") boolean redirect) {
        Map<String, String> job = existing(id);
        return image(id, job, JobView.publishedResultKey(job), JobStore.resultType(job), "the result", redirect);
    }

    @GET
    @Path("/{id}/mask")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    @Operation(summary = "The mask the painter used (PNG, white = repainted)")
    public Response mask(@PathParam("id") String id, @QueryParam("redirect") boolean redirect) {
        Map<String, String> job = existing(id);
        return image(id, job, job.get("maskKey"), "image/png", "the mask", redirect);
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    // The checks below read Redis: on a worker thread, not the event loop a Multi method would run on.
    @Blocking
    @Operation(summary = "Progress as server-sent events: the job's status each time it changes, until it ends "
            + "(a stream closes after brushline.gateway.max-progress-stream-duration; open a new one to go on)")
    public Multi<Map<String, Object>> events(@PathParam("id") String id) {
        Map<String, String> job = existing(id);
        return progress.follow(job.get("tenant"), id);
    }

    @DELETE
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel a job that has not finished; a finished job stays as it is")
    public Map<String, Object> cancel(@PathParam("id") String id) {
        existing(id);
        edits.cancel(id);
        return JobView.of(id, jobs.get(id));
    }

    private Response image(String id, Map<String, String> job, String key, String contentType, String what,
            boolean redirect) {
        if (key == null) {
            throw new ApiException(Response.Status.CONFLICT, "not_ready",
                    what + " of job " + id + " is not available; the job is " + job.get("state"));
        }
        if (redirect) {
            return Response.temporaryRedirect(URI.create(storage.presignedGet(key))).build();
        }
        try {
            return Response.ok(storage.get(key), contentType).build();
        } catch (MissingObjectException e) {
            throw new ApiException(Response.Status.GONE, "expired", what + " of job " + id + " is no longer stored");
        }
    }

    /** The job of the caller's tenant, counted as one read of that tenant. */
    private Map<String, String> existing(String id) {
        String tenant = tenants.tenant(authorization, apiKey);
        rateLimiter.acquire(tenant, RateLimiter.Kind.READS);
        Map<String, String> job = jobs.get(id);
        // Another tenant's job answers exactly like a job that does not exist.
        if (job.isEmpty() || !tenant.equals(job.get("tenant"))) {
            throw new ApiException(Response.Status.NOT_FOUND, "not_found", "no edit job with id " + id);
        }
        return job;
    }

    private static byte[] read(FileUpload upload) {
        try {
            return Files.readAllBytes(upload.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
