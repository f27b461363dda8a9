package io.brushline.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.brushline.localstack.WebhookSignatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A webhook receiver that can misbehave, and that deduplicates by webhook-id as the Standard
 * Webhooks spec asks receivers to. Its behaviour is chosen by the URL path, per webhook-id:
 * <ul>
 * <li>{@code /ok/}: 204;</li>
 * <li>{@code /fail/S/N/}: status S to the first N attempts, then 204;</li>
 * <li>{@code /slow/MS/N/}: the first N attempts are answered 204 only after MS milliseconds, then at once;</li>
 * <li>{@code /retry-after/SEC/N/}: 429 with {@code Retry-After: SEC} to the first N attempts, then 204;</li>
 * <li>{@code /gone/}: 410 always.</li>
 * </ul>
 * It can be stopped and started again on the same port, to be a receiver that is down for a while.
 */
final class WebhookSink implements AutoCloseable {

    /**
     * One attempt as received. {@code accepted}: the first 2xx this receiver gave for the webhook-id
     * in time for the sender to see it; a later 2xx for the same id is a redelivery, ignored by a
     * deduplicating receiver.
     */
    record Attempt(String webhookId, String path, String body, boolean signatureValid, long receivedMillis,
            int answered, boolean late, boolean accepted, Optional<String> apiState) {
    }

    private final WebhookSignatures signatures;
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attemptsById = new ConcurrentHashMap<>();
    private final Set<String> acceptedIds = ConcurrentHashMap.newKeySet();
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    /** Requests being answered now: a slow answer is recorded only once it is given. */
    private final AtomicInteger answering = new AtomicInteger();
    private volatile Function<String, Optional<String>> stateLookup = jobId -> Optional.empty();
    private int port;
    private HttpServer server;

    WebhookSink(String secret) throws IOException {
        this.signatures = new WebhookSignatures(secret);
        start();
    }

    /** Starts listening, on the same port as before after a {@link #stop()}. */
    synchronized void start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = server.getAddress().getPort();
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Stops listening: senders get connection refused until {@link #start()}. */
    synchronized void stop() {
        server.stop(0);
    }

    /**
     * Makes the receiver behave like one that fetches the job when its webhook arrives: each attempt
     * records the state the API showed at that moment (empty when the gateway did not answer).
     */
    void lookUpJobStateWith(Function<String, Optional<String>> lookup) {
        this.stateLookup = lookup;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Every attempt received so far, once the ones still being answered (slow answers) are recorded. */
    List<Attempt> attempts() {
        long deadline = System.currentTimeMillis() + 15_000;
        while (answering.get() > 0 && System.currentTimeMillis() < deadline) {
            sleep(50);
        }
        return List.copyOf(attempts);
    }

    private void handle(HttpExchange exchange) throws IOException {
        answering.incrementAndGet();
        try {
            answer(exchange);
        } finally {
            answering.decrementAndGet();
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        long received = System.currentTimeMillis();
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        boolean valid = signatures.valid(exchange.getRequestHeaders()::getFirst, body);
        String path = exchange.getRequestURI().getPath();
        int attempt = attemptsById.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger()).incrementAndGet();

        String[] parts = path.split("/");
        String mode = parts.length > 1 ? parts[1] : "ok";
        int status = 204;
        boolean late = false;
        switch (mode) {
            case "fail" -> status = attempt <= Integer.parseInt(parts[3]) ? Integer.parseInt(parts[2]) : 204;
            case "slow" -> {
                if (attempt <= Integer.parseInt(parts[3])) {
                    late = true;
                    sleep(Long.parseLong(parts[2]));
                }
            }
            case "retry-after" -> {
                if (attempt <= Integer.parseInt(parts[3])) {
                    status = 429;
                    exchange.getResponseHeaders().add("Retry-After", parts[2]);
                }
            }
            case "gone" -> status = 410;
            default -> status = 204;
        }
        boolean accepted = status / 100 == 2 && !late && acceptedIds.add(String.valueOf(id));
        Optional<String> apiState = stateLookup.apply(RunReport.data(body).path("id").asText());
        attempts.add(new Attempt(id, path, body, valid, received, status, late, accepted, apiState));
        try {
            exchange.sendResponseHeaders(status, -1);
        } catch (IOException senderGone) {
            // A slow answer whose sender timed out: nothing to tell it.
        } finally {
            exchange.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
