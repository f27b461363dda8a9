package io.brushline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.BrushlineConfig;
import io.brushline.common.state.JobStore;
import io.brushline.common.testing.RedisServerExtension;
import io.lettuce.core.api.sync.RedisCommands;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Progress streams over job state in a real Redis, subscribed from a Vert.x event loop as the HTTP layer does. */
class ProgressStreamsTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final RedisCommands<String, String> redis = REDIS.client().connect().sync();
    private final List<Boolean> readOnEventLoop = new CopyOnWriteArrayList<>();
    private final JobStore jobs = new JobStore(redis, jobTtlOnly()) {
        @Override
        public Map<String, String> get(String jobId) {
            readOnEventLoop.add(Context.isOnEventLoopThread());
            return super.get(jobId);
        }
    };
    private final TestConfig config = new TestConfig();
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    /** The one setting JobStore reads; the config mapping needs Quarkus' class generation, absent here. */
    private static BrushlineConfig jobTtlOnly() {
        var redisSettings = Proxy.newProxyInstance(BrushlineConfig.class.getClassLoader(),
                new Class<?>[] {BrushlineConfig.Redis.class}, (proxy, method, args) -> Duration.ofDays(7));
        return (BrushlineConfig) Proxy.newProxyInstance(BrushlineConfig.class.getClassLoader(),
                new Class<?>[] {BrushlineConfig.class}, (proxy, method, args) -> redisSettings);
    }

    private String job(String state) {
        String id = UUID.randomUUID().toString();
        redis.hset("brushline:job:" + id, Map.of("state", state, "tenant", "acme", "instruction", "x",
                "createdAt", "2026-01-01T00:00:00Z", "width", "8", "height", "8"));
        return id;
    }

    private Cancellable followOnEventLoop(ProgressStreams streams, String tenant, String id, List<String> states,
            CountDownLatch ended) throws InterruptedException {
        List<Cancellable> subscription = new ArrayList<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        vertx.runOnContext(ignored -> {
            subscription.add(streams.follow(tenant, id).subscribe().with(
                    view -> states.add((String) view.get("state")), failure -> ended.countDown(), ended::countDown));
            subscribed.countDown();
        });
        assertTrue(subscribed.await(5, TimeUnit.SECONDS));
        return subscription.get(0);
    }

    @Test
    void followsTheJobToItsEndReadingRedisOffTheEventLoop() throws Exception {
        config.progressPollInterval = Duration.ofMillis(50);
        var streams = new ProgressStreams(jobs, config);
        String id = job("QUEUED");
        List<String> states = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        followOnEventLoop(streams, "acme", id, states, ended);
        Thread.sleep(300);
        redis.hset("brushline:job:" + id, "state", "PAINTING");
        Thread.sleep(300);
        redis.hset("brushline:job:" + id, "state", "SUCCEEDED");
        assertTrue(ended.await(5, TimeUnit.SECONDS), "the stream did not end with its job");
        assertEquals(List.of("QUEUED", "PAINTING", "SUCCEEDED"), states);
        assertFalse(readOnEventLoop.isEmpty());
        assertFalse(readOnEventLoop.contains(true), "Redis was read on the event loop");
        assertEquals(0, streams.open("acme"));
    }

    @Test
    void aStreamClosesAfterTheLongestDurationEvenIfItsJobGoesOn() throws Exception {
        config.progressPollInterval = Duration.ofMillis(50);
        config.maxProgressStreamDuration = Duration.ofMillis(600);
        var streams = new ProgressStreams(jobs, config);
        List<String> states = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        long started = System.nanoTime();
        followOnEventLoop(streams, "acme", job("PAINTING"), states, ended);
        assertTrue(ended.await(5, TimeUnit.SECONDS), "the stream outlived its longest duration");
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(500).toNanos());
        assertEquals(List.of("PAINTING"), states);
        assertEquals(0, streams.open("acme"));
    }

    @Test
    void aTenantHoldsAtMostTheCapOfStreamsAndAClosedOneFreesItsPlace() throws Exception {
        config.maxProgressStreamsPerTenant = 3;
        var streams = new ProgressStreams(jobs, config);
        String id = job("PAINTING");
        List<Cancellable> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(followOnEventLoop(streams, "acme", id, new CopyOnWriteArrayList<>(), new CountDownLatch(1)));
        }
        var refused = assertThrows(ApiException.class, () -> streams.follow("acme", id));
        assertEquals(429, refused.status().getStatusCode());
        assertEquals("too_many_streams", refused.code());
        // another tenant has its own cap
        open.add(followOnEventLoop(streams, "globex", job("PAINTING"), new CopyOnWriteArrayList<>(),
                new CountDownLatch(1)));
        open.get(0).cancel();
        assertEquals(2, streams.open("acme"));
        open.add(followOnEventLoop(streams, "acme", id, new CopyOnWriteArrayList<>(), new CountDownLatch(1)));
        open.forEach(Cancellable::cancel);
        assertEquals(0, streams.open("acme"));
    }
}
