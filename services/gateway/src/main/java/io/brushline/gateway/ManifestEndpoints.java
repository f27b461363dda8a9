package io.brushline.gateway;

import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** What the batch and dataset endpoints do alike: read the uploaded photos and answer a submission. */
final class ManifestEndpoints {

    private ManifestEndpoints() {
    }

    /** The bytes of the uploaded 'image' files, in order; a 400 when the form has none. */
    static List<byte[]> files(List<FileUpload> images) {
        if (images == null || images.isEmpty()) {
            throw ApiException.badRequest("invalid_manifest", "the form has no 'image' files; add one 'image' "
                    + "field per photo");
        }
        List<byte[]> files = new ArrayList<>();
        for (FileUpload upload : images) {
            try {
                files.add(Files.readAllBytes(upload.uploadedFile()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /**
     * The answer to a submission: 202 when it created the batch or dataset, 200 when an Idempotency-Key
     * named one already, with where to follow it.
     *
     * @param countField what the count is ("total", "images")
     */
    static Response accepted(String statusUrl, String id, String countField, int count, boolean created) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("status_url", statusUrl);
        body.put(countField, count);
        body.put("created", created);
        return Response.status(created ? Response.Status.ACCEPTED : Response.Status.OK)
                .location(URI.create(statusUrl)).entity(body).build();
    }
}
