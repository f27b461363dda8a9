package io.brushline.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.localstack.MultipartForm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client of the gateway's HTTP API, as a user would call it. */
final class Api {

    record Reply(int status, JsonNode json, byte[] body, java.net.http.HttpHeaders headers) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String apiKey;

    /** @param apiKey sent as a bearer token; null sends none */
    Api(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    Reply submit(MultipartForm form, String idempotencyKey) throws IOException, InterruptedException {
        return post("/v1/edits", form, idempotencyKey);
    }

    /** A multipart POST to any path (the batch endpoint takes the same forms). */
    Reply post(String path, MultipartForm form, String idempotencyKey) throws IOException, InterruptedException {
        return post(path, form.contentType(), form.body(), idempotencyKey);
    }

    /** A JSON POST (a batch manifest). */
    Reply postJson(String path, String json, String idempotencyKey) throws IOException, InterruptedException {
        return post(path, "application/json", HttpRequest.BodyPublishers.ofString(json), idempotencyKey);
    }

    private Reply post(String path, String contentType, HttpRequest.BodyPublisher body, String idempotencyKey)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .POST(body);
        authorize(request);
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    Reply get(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        authorize(request);
        return send(request.build());
    }

    /** Reads a server-sent event stream to its end and returns each event's JSON data. */
    java.util.List<JsonNode> events(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2))
                .header("Accept", "text/event-stream").GET();
        authorize(request);
        var lines = http.send(request.build(), HttpResponse.BodyHandlers.ofLines()).body();
        var events = new java.util.ArrayList<JsonNode>();
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.startsWith("data:")) {
                events.add(JSON.readTree(line.substring(5)));
            }
        }
        return events;
    }

    private void authorize(HttpRequest.Builder request) {
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
    }

    private Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        boolean json = response.headers().firstValue("content-type").orElse("").contains("json");
        return new Reply(response.statusCode(), json ? JSON.readTree(response.body()) : null, response.body(),
                response.headers());
    }
}
