package io.brushline.gateway;

import io.brushline.common.net.OutboundUrlPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.ResponseBody;

/**
 * Downloads the image of a submission that gives {@code image_url} instead of a file: only URLs the
 * outbound policy allows, each redirect checked again, every connection pinned to the address the
 * policy checked; one time limit for the whole download (redirects and body included, so a server
 * that trickles bytes cannot hold a request), and never more than the upload limit read.
 */
@ApplicationScoped
public class ImageFetcher {

    private static final int MAX_REDIRECTS = 3;

    private final OutboundUrlPolicy policy;
    private final GatewayConfig config;
    private final OkHttpClient http = new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(5))
            .followRedirects(false)
            .followSslRedirects(false)
            .build();

    public ImageFetcher(OutboundUrlPolicy policy, GatewayConfig config) {
        this.policy = policy;
        this.config = config;
    }

    public byte[] fetch(String url) {
        return fetch(url, "image_url");
    }

    /** The bytes at {@code url}; every refusal names {@code field}, the request's field that gave the URL. */
    public byte[] fetch(String url, String field) {
        long deadline = System.nanoTime() + config.imageFetchTimeout().toNanos();
        String current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            URI uri = allowed(current, field);
            Call call = policy.pin(http, uri).newCall(new Request.Builder().url(uri.toString()).get().build());
            call.timeout().timeout(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            try (var response = call.execute()) {
                String location = response.header("location");
                if (response.isRedirect() && location != null) {
                    current = uri.resolve(location).toString();
                    continue;
                }
                if (!response.isSuccessful()) {
                    throw refused("could not fetch " + field + ": the server answered HTTP " + response.code());
                }
                return readLimited(call, response.body(), field);
            } catch (OutboundUrlPolicy.RefusedAddress e) {
                throw refused(field + " refused: " + e.getMessage());
            } catch (InterruptedIOException e) {
                throw refused(tooSlow(field));
            } catch (IOException e) {
                throw refused(call.isCanceled() ? tooSlow(field) : "could not fetch " + field + ": " + e.getMessage());
            }
        }
        throw refused(field + " redirected more than " + MAX_REDIRECTS + " times");
    }

    private String tooSlow(String field) {
        return "could not fetch " + field + " within " + config.imageFetchTimeout().toSeconds() + " s";
    }

    private URI allowed(String url, String field) {
        try {
            return policy.checkForm(url);
        } catch (OutboundUrlPolicy.Refused e) {
            throw refused(field + " refused: " + e.getMessage());
        }
    }

    /**
     * Reads at most one byte more than the limit, so an endless body costs no more than that. Too
     * large: the call is canceled, since closing the body would go on reading to reuse the connection.
     */
    private byte[] readLimited(Call call, ResponseBody body, String field) throws IOException {
        long limit = config.maxImageBytes();
        if (body.contentLength() > limit) {
            throw tooLarge(call, limit, field);
        }
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw tooLarge(call, limit, field);
            }
            return bytes;
        }
    }

    private static ApiException tooLarge(Call call, long limit, String field) {
        call.cancel();
        return new ApiException(Status.REQUEST_ENTITY_TOO_LARGE, "image_too_large",
                "the image at " + field + " is larger than the limit of " + limit + " bytes");
    }

    private static ApiException refused(String message) {
        return ApiException.badRequest("invalid_image_url", message);
    }
}
