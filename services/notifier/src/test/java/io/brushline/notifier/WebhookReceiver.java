package io.brushline.notifier;

import com.sun.net.httpserver.HttpServer;
import io.brushline.common.net.OutboundUrlPolicy;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.observability.StageMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A webhook endpoint on the loopback ({@link #url()}) that answers 204 and keeps every call it gets
 * (id, timestamp, signature, body), for tests that deliver webhooks end to end.
 */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<Map<String, String>> received = Collections.synchronizedList(new ArrayList<>());

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hooks", exchange -> {
            try (exchange) {
                received.add(Map.of("id", exchange.getRequestHeaders().getFirst("webhook-id"),
                        "timestamp", exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                        "signature", exchange.getRequestHeaders().getFirst("webhook-signature"),
                        "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(204, -1);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    List<Map<String, String>> received() {
        return received;
    }

    /**
     * Dispatches what is due, with an outbound policy that allows this receiver, until {@code delivered}
     * or 10 seconds have passed, then once more.
     */
    void dispatchUntil(NotifierParts parts, BooleanSupplier delivered) throws InterruptedException {
        var dispatcher = new WebhookDispatcher(parts.queue, parts.subjects, parts.webhooks,
                new OutboundUrlPolicy(List.of("127.0.0.1:" + server.getAddress().getPort())),
                new StageMetrics(new SimpleMeterRegistry()), new JobTracing(OpenTelemetry.noop().getTracer("t")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!delivered.getAsBoolean() && System.nanoTime() < deadline) {
            dispatcher.dispatchDue();
            Thread.sleep(50);
        }
        dispatcher.dispatchDue();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
