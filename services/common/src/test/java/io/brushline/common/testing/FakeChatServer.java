package io.brushline.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A chat-completions endpoint on 127.0.0.1 that records requests and answers with queued replies (500
 * when none is left), for the tests of every service that calls a language model. Registered as an
 * extension ({@code @RegisterExtension final FakeChatServer server = new FakeChatServer();}) it runs
 * for each test, with nothing queued or received at its start.
 */
public final class FakeChatServer implements BeforeEachCallback, AfterEachCallback {

    /** One canned answer: status, body, optional Retry-After, and a delay before answering. */
    public record Reply(int status, String body, String retryAfter, long delayMillis) {

        public static Reply ok(String content) {
            return new Reply(200, completion(content), null, 0);
        }

        public static Reply status(int status) {
            return new Reply(status, "{\"error\":{\"message\":\"canned " + status + "\"}}", null, 0);
        }
    }

    /** What the server received. */
    public record Received(String method, String path, String authorization, String contentType, JsonNode body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Deque<Reply> replies = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private URI baseUrl;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        stop();
        replies.clear();
        received.clear();
    }

    /** Stops answering: the endpoint is then unreachable, as a test of a vanished endpoint needs. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Where the endpoint answers (and still where it was, once stopped). */
    public URI baseUrl() {
        return baseUrl;
    }

    public synchronized FakeChatServer then(Reply reply) {
        replies.add(reply);
        return this;
    }

    public List<Received> received() {
        return received;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Content-Type"), JSON.readTree(body)));
        Reply reply;
        synchronized (this) {
            reply = replies.isEmpty() ? Reply.status(500) : replies.poll();
        }
        try {
            Thread.sleep(reply.delayMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (reply.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", reply.retryAfter());
        }
        try {
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException clientGone) {
            // the client timed out and closed the connection: nothing left to answer
        }
        exchange.close();
    }

    public static String completion(String content) {
        var root = JSON.createObjectNode();
        root.put("id", "chatcmpl-test");
        root.put("object", "chat.completion");
        var message = root.putArray("choices").addObject().putObject("message");
        message.put("role", "assistant");
        message.put("content", content);
        return root.toString();
    }
}
