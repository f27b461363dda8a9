package io.brushline.gateway;

import io.brushline.common.net.OutboundUrlPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Downloads the image of a submission that gives {@code image_url} instead of a file: only URLs the
 * outbound policy allows (checked again on every redirect), within a time limit, and never more than
 * the upload limit (the body is read only up to that many bytes).
 */
@ApplicationScoped
public class ImageFetcher {

    private static final int MAX_REDIRECTS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final OutboundUrlPolicy policy;
    private final GatewayConfig config;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public ImageFetcher(OutboundUrlPolicy policy, GatewayConfig config) {
        this.policy = policy;
        this.config = config;
    }

    public byte[] fetch(String url) {
        String current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            URI uri = allowed(current);
            HttpResponse<InputStream> response;
            try {
                response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw refused("could not fetch image_url: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw refused("interrupted while fetching image_url");
            }
            int status = response.statusCode();
            if (status / 100 == 3 && response.headers().firstValue("location").isPresent()) {
                close(response);
                current = uri.resolve(response.headers().firstValue("location").get()).toString();
                continue;
            }
            if (status / 100 != 2) {
                close(response);
                throw refused("could not fetch image_url: the server answered HTTP " + status);
            }
            return readLimited(response);
        }
        throw refused("image_url redirected more than " + MAX_REDIRECTS + " times");
    }

    private URI allowed(String url) {
        try {
            return policy.check(url);
        } catch (OutboundUrlPolicy.Refused e) {
            throw ApiException.badRequest("invalid_image_url", "image_url refused: " + e.getMessage());
        }
    }

    private byte[] readLimited(HttpResponse<InputStream> response) {
        long limit = config.maxImageBytes();
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw new ApiException(Response.Status.REQUEST_ENTITY_TOO_LARGE, "image_too_large",
                        "the image at image_url is larger than the limit of " + limit + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw refused("could not read image_url: " + e.getMessage());
        }
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // nothing more to read from a response we do not use
        }
    }

    private static ApiException refused(String message) {
        return ApiException.badRequest("invalid_image_url", message);
    }
}
