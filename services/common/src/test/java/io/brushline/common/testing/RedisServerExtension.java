package io.brushline.common.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the binary the local stack runs) on a free loopback port, for one test class;
 * shared with the services' tests through this module's test jar.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    private RedisServer server;
    private RedisClient client;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1").setting("save \"\"").build();
        server.start();
        client = RedisClient.create("redis://127.0.0.1:" + port);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        client.shutdown();
        server.stop();
    }

    public RedisClient client() {
        return client;
    }

    /** A new connection to the server, its data deleted: a test that starts from nothing. */
    public RedisCommands<String, String> emptied() {
        RedisCommands<String, String> redis = client.connect().sync();
        redis.flushall();
        return redis;
    }
}
