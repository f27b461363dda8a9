package io.brushline.gateway;

import io.lettuce.core.api.sync.RedisCommands;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/**
 * Submissions per tenant per minute, counted in Redis so that every gateway replica shares the
 * budget (fixed one-minute windows: one INCR per request, cheap and good enough for abuse control).
 */
@ApplicationScoped
public class RateLimiter {

    private final RedisCommands<String, String> redis;
    private final GatewayConfig config;

    public RateLimiter(RedisCommands<String, String> redis, GatewayConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /** Counts one submission; refuses it with 429 and Retry-After when the tenant is over its limit. */
    public void acquire(String tenant) {
        int limit = config.submissionsPerMinute();
        if (limit <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        long window = now / 60_000;
        String key = "brushline:rate:" + tenant + ":" + window;
        long count = redis.incr(key);
        if (count == 1) {
            redis.expire(key, 120);
        }
        if (count > limit) {
            long retryAfterSeconds = Math.max(1, ((window + 1) * 60_000 - now + 999) / 1000);
            throw new RateLimited(limit, retryAfterSeconds);
        }
    }

    /** A 429 that carries its Retry-After. */
    public static final class RateLimited extends ApiException {
        private final long retryAfterSeconds;

        RateLimited(int limit, long retryAfterSeconds) {
            super(Response.Status.TOO_MANY_REQUESTS, "rate_limited",
                    "more than " + limit + " submissions this minute; retry after " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
