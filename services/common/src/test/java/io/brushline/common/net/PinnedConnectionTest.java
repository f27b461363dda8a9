package io.brushline.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The address a call connects to is the address the policy checked: one lookup, checked, pinned. */
class PinnedConnectionTest {

    private final AtomicInteger requests = new AtomicInteger();
    private final OkHttpClient base = new OkHttpClient();
    private HttpServer server;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void aNameThatRebindsToAnInternalAddressAfterTheCheckIsNeverConnectedTo() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        InetAddress publicAddress = InetAddress.getByName("93.184.216.34");
        // public when the job is submitted, loopback (where the server listens) when it is called
        var policy = new OutboundUrlPolicy(List.of(), host -> new InetAddress[] {
            lookups.getAndIncrement() == 0 ? publicAddress : InetAddress.getLoopbackAddress()});
        URI uri = policy.check("http://rebind.example:" + port + "/hook");

        var call = policy.pin(base, uri).newCall(new Request.Builder().url(uri.toString()).build());
        var refused = assertThrows(OutboundUrlPolicy.RefusedAddress.class, call::execute);

        assertTrue(refused.getMessage().contains("internal address (127.0.0.1)"), refused.getMessage());
        assertEquals(0, requests.get(), "the internal server was reached");
        assertEquals(2, lookups.get(), "the call must use exactly one lookup of its own");
    }

    @Test
    void anAllowListedInternalHostIsCalledThroughThePinnedClient() throws Exception {
        var policy = new OutboundUrlPolicy(List.of("hooks.internal:" + port),
                host -> new InetAddress[] {InetAddress.getLoopbackAddress()});
        URI uri = policy.check("http://hooks.internal:" + port + "/hook");
        try (Response response = policy.pin(base, uri).newCall(new Request.Builder().url(uri.toString()).build())
                .execute()) {
            assertEquals(200, response.code());
        }
        assertEquals(1, requests.get());
        // the allow-list names a port: the same host on another port is internal again
        assertThrows(OutboundUrlPolicy.Refused.class, () -> policy.check("http://hooks.internal:" + (port + 1) + "/"));
    }

    @Test
    void aLiteralInternalAddressIsRefusedBeforeAnyConnection() {
        var policy = new OutboundUrlPolicy(List.of());
        assertThrows(OutboundUrlPolicy.Refused.class, () -> policy.checkForm("http://127.0.0.1:" + port + "/"));
        assertThrows(OutboundUrlPolicy.Refused.class, () -> policy.checkForm("http://2130706433:" + port + "/"));
        assertThrows(OutboundUrlPolicy.Refused.class, () -> policy.checkForm("http://127.1:" + port + "/"));
        assertEquals(0, requests.get());
    }
}
