package io.brushline.localstack;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A multipart/form-data body for {@code POST /v1/edits} and {@code /v1/batches}, for the tools and tests that drive the API
 * (the JDK's HTTP client has no multipart support of its own).
 */
public final class MultipartForm {

    private final Map<String, String> fields = new LinkedHashMap<>();
    /** In order, a name may repeat: several {@code image} files make a batch. */
    private final List<Map.Entry<String, byte[]>> files = new ArrayList<>();
    private final String boundary = "----brushline" + UUID.randomUUID();

    public MultipartForm field(String name, String value) {
        fields.put(name, value);
        return this;
    }

    public MultipartForm file(String name, byte[] content) {
        files.add(Map.entry(name, content));
        return this;
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    public HttpRequest.BodyPublisher body() {
        var body = new ByteArrayOutputStream();
        fields.forEach((name, value) -> body.writeBytes(("--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.UTF_8)));
        files.forEach(file -> {
            String name = file.getKey();
            byte[] content = file.getValue();
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                    + "\"; filename=\"" + name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        });
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.BodyPublishers.ofByteArray(body.toByteArray());
    }
}
