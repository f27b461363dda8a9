package io.brushline.gateway;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every refusal has the same JSON shape: {@code {"error": code, "message": text}}. */
public class ApiExceptionMapper {

    @ServerExceptionMapper
    public Response map(ApiException e) {
        var response = Response.status(e.status());
        if (e instanceof RateLimiter.RateLimited limited) {
            response.header("Retry-After", limited.retryAfterSeconds());
        }
        return response
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", e.code(), "message", e.getMessage()))
                .build();
    }
}
