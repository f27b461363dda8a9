package io.brushline.common.state;

import io.brushline.common.BrushlineConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/** One Lettuce connection per process: it is thread-safe, pipelines commands and reconnects by itself. */
@ApplicationScoped
public class RedisProducer {

    @Produces
    @Singleton
    RedisClient client(BrushlineConfig config) {
        RedisClient client = RedisClient.create(config.redis().uri());
        client.setDefaultTimeout(Duration.ofSeconds(5));
        return client;
    }

    @Produces
    @Singleton
    StatefulRedisConnection<String, String> connection(RedisClient client) {
        return client.connect();
    }

    @Produces
    @Singleton
    RedisCommands<String, String> commands(StatefulRedisConnection<String, String> connection) {
        return connection.sync();
    }

    void close(@Disposes StatefulRedisConnection<String, String> connection) {
        connection.close();
    }

    void shutdown(@Disposes RedisClient client) {
        client.shutdown();
    }
}
