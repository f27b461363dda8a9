package io.brushline.e2e;

import com.sun.net.httpserver.HttpServer;
import io.brushline.localstack.WebhookSignatures;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local webhook endpoint that checks each delivery's Standard Webhooks signature. Paths under
 * {@code /flaky/N/} answer 500 to the first N attempts of each webhook-id, then 204.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One delivery attempt as received. */
    record Received(String webhookId, String path, String body, boolean signatureValid, String traceparent) {
    }

    private final HttpServer server;
    private final WebhookSignatures signatures;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attemptsById = new ConcurrentHashMap<>();

    WebhookReceiver(String secret) throws IOException {
        this.signatures = new WebhookSignatures(secret);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean valid = signatures.valid(exchange.getRequestHeaders()::getFirst, body);
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(id, path, body, valid, exchange.getRequestHeaders().getFirst("traceparent")));
            int attempt = attemptsById.computeIfAbsent(id == null ? "" : id, k -> new AtomicInteger()).incrementAndGet();
            int status = 204;
            if (path.startsWith("/flaky/")) {
                int failures = Integer.parseInt(path.split("/")[2]);
                status = attempt <= failures ? 500 : 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** Serves {@code content} to GET requests for {@code path} (an image_url source). */
    void serve(String path, byte[] content) {
        server.createContext(path, exchange -> {
            exchange.sendResponseHeaders(200, content.length);
            exchange.getResponseBody().write(content);
            exchange.close();
        });
    }

    String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
