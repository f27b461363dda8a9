package io.brushline.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.brushline.common.net.OutboundUrlPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Downloads of image_url against a real HTTP server on loopback (allow-listed by port for the test). */
class ImageFetcherTest {

    private static final long LIMIT = 100_000;

    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicInteger internalRequests = new AtomicInteger();
    private HttpServer server;
    private HttpServer internal;
    private ImageFetcher fetcher;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        internal = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        internal.createContext("/", exchange -> {
            internalRequests.incrementAndGet();
            exchange.sendResponseHeaders(200, 3);
            exchange.getResponseBody().write(new byte[] {1, 2, 3});
            exchange.close();
        });
        server.start();
        internal.start();
        int port = server.getAddress().getPort();
        base = "http://127.0.0.1:" + port;
        // Only the test server's port is allowed; the "internal" server on another port is not.
        var policy = new OutboundUrlPolicy(List.of("127.0.0.1:" + port, "images.example:" + port),
                host -> new InetAddress[] {InetAddress.getLoopbackAddress()});
        fetcher = new ImageFetcher(policy, TestConfig.gateway(LIMIT, 40_000_000, Map.of()));
    }

    @AfterEach
    void stop() {
        server.stop(0);
        internal.stop(0);
    }

    private void serve(String path, ExchangeHandler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                handler.handle(exchange);
            } catch (IOException closedByTheClient) {
                // the fetcher hung up: that is what some tests want
            }
        });
    }

    interface ExchangeHandler {
        void handle(HttpExchange exchange) throws IOException;
    }

    @Test
    void downloadsTheBytesUnchanged() {
        byte[] image = new byte[5000];
        new java.util.Random(1).nextBytes(image);
        serve("/ok", exchange -> {
            exchange.sendResponseHeaders(200, image.length);
            exchange.getResponseBody().write(image);
        });
        assertArrayEquals(image, fetcher.fetch(base + "/ok"));
    }

    @Test
    void aBodyThatTricklesIsCutOffAtTheTimeLimitForTheWholeDownload() {
        // headers at once, then one byte every 100 ms: no single read ever times out
        serve("/slow", exchange -> {
            exchange.sendResponseHeaders(200, LIMIT);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < LIMIT; i++) {
                out.write(0);
                out.flush();
                sleep(100);
            }
        });
        long started = System.nanoTime();
        var refused = assertTimeoutPreemptively(Duration.ofSeconds(15),
                () -> assertThrows(ApiException.class, () -> fetcher.fetch(base + "/slow")));
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        assertEquals("invalid_image_url", refused.code());
        assertTrue(refused.getMessage().contains("within 2 s"), refused.getMessage());
        assertTrue(seconds <= 4, "took " + seconds + " s with a limit of 2 s");
    }

    @Test
    void anEndlessBodyIsReadNoFurtherThanTheLimit() {
        // chunked, no length: only the bytes read tell how large it is
        serve("/endless", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[8192];
            for (long i = 0; i < 8192; i++) {
                exchange.getResponseBody().write(chunk);
                bytesSent.addAndGet(chunk.length);
            }
        });
        var refused = assertThrows(ApiException.class, () -> fetcher.fetch(base + "/endless"));
        assertEquals("image_too_large", refused.code());
        sleep(300);
        // Loopback socket buffers (auto-tuned, several MB on each side) hold some more, but nowhere near
        // the 64 MB the server would send to a reader that kept reading.
        assertTrue(bytesSent.get() < 24L << 20, bytesSent.get() + " bytes sent before the fetcher hung up");
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() {
        serve("/large", exchange -> {
            exchange.sendResponseHeaders(200, 50 * LIMIT);
            sleep(10_000);
        });
        var refused = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(ApiException.class, () -> fetcher.fetch(base + "/large")));
        assertEquals("image_too_large", refused.code());
    }

    @Test
    void redirectsToInternalAddressesInAnySpellingAreRefused() {
        int internalPort = internal.getAddress().getPort();
        for (String target : List.of("http://127.0.0.1:" + internalPort + "/", "http://2130706433:" + internalPort + "/",
                "http://[::ffff:127.0.0.1]:" + internalPort + "/", "http://0x7f.1:" + internalPort + "/",
                "http://localhost:" + internalPort + "/", "http://169.254.169.254/latest/meta-data/")) {
            String path = "/redirect" + target.hashCode();
            serve(path, exchange -> {
                exchange.getResponseHeaders().add("Location", target);
                exchange.sendResponseHeaders(302, -1);
            });
            var refused = assertThrows(ApiException.class, () -> fetcher.fetch(base + path), target);
            assertEquals("invalid_image_url", refused.code(), target);
            assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
        }
        assertEquals(0, internalRequests.get(), "an internal server was reached through a redirect");
    }

    @Test
    void aNameIsConnectedToOnlyAtTheAddressThatWasChecked() {
        serve("/named", exchange -> {
            exchange.sendResponseHeaders(200, 1);
            exchange.getResponseBody().write(7);
        });
        int port = server.getAddress().getPort();
        // allowed on the test server's port only: the same name on the internal server's port is refused
        assertArrayEquals(new byte[] {7}, fetcher.fetch("http://images.example:" + port + "/named"));
        var refused = assertThrows(ApiException.class,
                () -> fetcher.fetch("http://images.example:" + internal.getAddress().getPort() + "/"));
        assertTrue(refused.getMessage().contains("internal address"), refused.getMessage());
        assertEquals(0, internalRequests.get());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
