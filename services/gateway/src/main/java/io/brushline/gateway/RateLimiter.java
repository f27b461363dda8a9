package io.brushline.gateway;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.time.Duration;

/**
 * Requests per tenant per minute, as token buckets in Redis shared by every gateway replica (Bucket4j:
 * each check is one compare-and-swap script, so concurrent requests cannot overdraw a bucket). A
 * bucket holds a minute's worth of requests and refills continuously, so a tenant gets its limit per
 * minute on average and never twice it around a window edge: in any span of s seconds at most
 * limit * (1 + s/60) requests pass. Submissions and reads (status, results, progress streams) have
 * buckets of their own.
 */
@ApplicationScoped
public class RateLimiter {

    /** What a request is counted as. */
    public enum Kind {
        SUBMISSIONS, READS
    }

    private final GatewayConfig config;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final ProxyManager<String> buckets;

    @Inject
    public RateLimiter(RedisClient redis, GatewayConfig config) {
        this(redis, config, TimeMeter.SYSTEM_MILLISECONDS);
    }

    /** With the clock the buckets refill by: the wall clock, or a test's, which need not wait for it. */
    RateLimiter(RedisClient redis, GatewayConfig config, TimeMeter clock) {
        this.config = config;
        this.connection = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .clientClock(clock)
                // an idle tenant's bucket is full again after a minute: then its key can go
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofMinutes(1)))
                .build();
    }

    @PreDestroy
    void close() {
        connection.close();
    }

    /** Counts one request of {@code kind}; refuses it with 429 and Retry-After when the tenant is over. */
    public void acquire(String tenant, Kind kind) {
        int perMinute = kind == Kind.SUBMISSIONS ? config.submissionsPerMinute() : config.readsPerMinute();
        if (perMinute <= 0) {
            return;
        }
        BucketConfiguration limit = BucketConfiguration.builder()
                .addLimit(bandwidth -> bandwidth.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build();
        ConsumptionProbe probe = buckets.builder()
                // a changed limit replaces the stored one, keeping the tokens the tenant has left
                .withImplicitConfigurationReplacement(perMinute, TokensInheritanceStrategy.AS_IS)
                .build("brushline:rate:" + kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + tenant, () -> limit)
                .tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long retryAfterSeconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999) / 1_000_000_000);
            throw new RateLimited(kind, perMinute, retryAfterSeconds);
        }
    }

    /** A 429 that carries its Retry-After. */
    public static final class RateLimited extends ApiException {
        private final long retryAfterSeconds;

        RateLimited(Kind kind, int limit, long retryAfterSeconds) {
            super(Response.Status.TOO_MANY_REQUESTS, "rate_limited",
                    "more than " + limit + " " + (kind == Kind.SUBMISSIONS ? "submissions" : "reads")
                            + " per minute; retry after " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
