package io.brushline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.testing.RedisServerExtension;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rate limits against a real Redis server. */
class RateLimiterTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final int PER_MINUTE = 30;

    private final RateLimiter limiter = new RateLimiter(REDIS.client(), limits());

    private static TestConfig limits() {
        TestConfig config = new TestConfig();
        config.submissionsPerMinute = PER_MINUTE;
        config.readsPerMinute = 2 * PER_MINUTE;
        return config;
    }

    private int accepted(String tenant, RateLimiter.Kind kind, int attempts) {
        return accepted(limiter, tenant, kind, attempts);
    }

    private static int accepted(RateLimiter limiter, String tenant, RateLimiter.Kind kind, int attempts) {
        int accepted = 0;
        for (int i = 0; i < attempts; i++) {
            try {
                limiter.acquire(tenant, kind);
                accepted++;
            } catch (RateLimiter.RateLimited refused) {
                // counted by what was accepted
            }
        }
        return accepted;
    }

    @Test
    void aMinuteBoundaryDoesNotDoubleTheLimit() {
        // a wall clock the test moves: 700 ms before a minute boundary, then 300 ms after it
        long boundary = (System.currentTimeMillis() / 60_000 + 1) * 60_000;
        AtomicLong millis = new AtomicLong(boundary - 700);
        RateLimiter clocked = clockedBy(millis);
        try {
            String tenant = "edge-" + UUID.randomUUID();
            // a fixed one-minute window lets the limit through just before the boundary and again just after
            int before = accepted(clocked, tenant, RateLimiter.Kind.SUBMISSIONS, PER_MINUTE);
            millis.set(boundary + 300);
            int after = accepted(clocked, tenant, RateLimiter.Kind.SUBMISSIONS, PER_MINUTE);
            assertEquals(PER_MINUTE, before);
            assertEquals(0, after, "accepted a second after the limit was used up, across the boundary");
            // one token comes back every 2 s at 30 per minute
            millis.set(boundary + 1_300);
            assertEquals(1, accepted(clocked, tenant, RateLimiter.Kind.SUBMISSIONS, PER_MINUTE));
        } finally {
            clocked.close();
        }
    }

    /** A limiter whose buckets refill by {@code millis}, a wall clock the test sets. */
    private static RateLimiter clockedBy(AtomicLong millis) {
        return new RateLimiter(REDIS.client(), limits(), new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return TimeUnit.MILLISECONDS.toNanos(millis.get());
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        });
    }

    @Test
    void concurrentRequestsNeverOverdrawTheBucket() throws Exception {
        String tenant = "burst-" + UUID.randomUUID();
        AtomicInteger accepted = new AtomicInteger();
        Callable<Void> client = () -> {
            accepted.addAndGet(accepted(tenant, RateLimiter.Kind.SUBMISSIONS, 20));
            return null;
        };
        var pool = Executors.newFixedThreadPool(8);
        try {
            for (var done : pool.invokeAll(List.of(client, client, client, client, client, client, client, client))) {
                done.get();
            }
        } finally {
            pool.shutdown();
        }
        // 160 attempts within a few seconds: the bucket's 30 and at most a couple of refilled tokens
        assertTrue(accepted.get() >= PER_MINUTE && accepted.get() <= PER_MINUTE + 3, accepted + " accepted");
    }

    @Test
    void theRefusalSaysWhenToRetryAndOtherTenantsAndReadsAreNotAffected() {
        String tenant = "busy-" + UUID.randomUUID();
        assertEquals(PER_MINUTE, accepted(tenant, RateLimiter.Kind.SUBMISSIONS, PER_MINUTE));
        var refused = assertThrows(RateLimiter.RateLimited.class,
                () -> limiter.acquire(tenant, RateLimiter.Kind.SUBMISSIONS));
        assertEquals(429, refused.status().getStatusCode());
        // one token every 2 s
        assertTrue(refused.retryAfterSeconds() >= 1 && refused.retryAfterSeconds() <= 2, refused.getMessage());
        assertTrue(refused.getMessage().contains("30 submissions per minute"), refused.getMessage());
        assertEquals(1, accepted("other-" + UUID.randomUUID(), RateLimiter.Kind.SUBMISSIONS, 1));
        // reads have their own budget, and it runs out too (one read token comes back each second the
        // loop takes on a slow machine)
        long started = System.nanoTime();
        int reads = accepted(tenant, RateLimiter.Kind.READS, 3 * PER_MINUTE);
        long refilled = Duration.ofNanos(System.nanoTime() - started).toSeconds() + 1;
        assertTrue(reads >= 2 * PER_MINUTE && reads <= 2 * PER_MINUTE + refilled, reads + " reads accepted");
    }
}
