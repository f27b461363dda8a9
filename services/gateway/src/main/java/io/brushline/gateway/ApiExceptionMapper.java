package io.brushline.gateway;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.brushline.common.storage.StorageException;
import io.lettuce.core.RedisException;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every refusal has the same JSON shape: {@code {"error": code, "message": text}}. */
public class ApiExceptionMapper {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMapper.class);

    @ServerExceptionMapper
    public Response map(ApiException e) {
        var response = Response.status(e.status());
        if (e instanceof RateLimiter.RateLimited limited) {
            response.header("Retry-After", limited.retryAfterSeconds());
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        if (e instanceof ManifestImages.InvalidItems invalid) {
            // every refused item of a batch or dataset manifest, by index
            body.put("errors", invalid.errors().stream().map(error -> {
                Map<String, Object> item = new java.util.LinkedHashMap<>();
                item.put("index", error.index());
                item.put("error", error.code());
                item.put("message", error.message());
                return item;
            }).toList());
        }
        if (e instanceof CutShort cut) {
            body.put(cut.idField(), cut.id());
            body.put(cut.listField(), cut.indexes());
        }
        return response
                .type(MediaType.APPLICATION_JSON)
                .entity(body)
                .build();
    }

    /** Object storage or Redis unreachable: nothing was accepted, and trying again later will work. */
    @ServerExceptionMapper({StorageException.class, RedisException.class})
    public Response unavailable(RuntimeException e) {
        LOG.errorf(e, "a dependency is unavailable");
        return map(new ApiException(Response.Status.SERVICE_UNAVAILABLE, "temporarily_unavailable",
                "storage is unreachable right now; nothing was accepted, retry later"));
    }
}
