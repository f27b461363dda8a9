package io.brushline.notifier;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pending webhook deliveries, durable in Redis so that a notifier crash or restart loses none:
 * a hash per delivery ({@code brushline:webhook:<jobId>}: url, body, attempts, status) and a sorted
 * set of delivery ids by due time. A worker leases due deliveries by pushing their due time ahead;
 * if it dies mid-delivery the lease runs out and another worker (or the restarted one) retries.
 */
@ApplicationScoped
public class DeliveryQueue {

    static final String DUE = "brushline:webhooks:due";

    /** Leases up to ARGV[3] deliveries due at ARGV[1], moving them to ARGV[2]. */
    private static final String LEASE_SCRIPT = """
            local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
            for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
            return ids
            """;

    /** A delivery as stored. */
    public record Delivery(String jobId, String webhookId, String url, String body, int attempts, String traceparent) {
    }

    private final RedisCommands<String, String> redis;

    public DeliveryQueue(RedisCommands<String, String> redis) {
        this.redis = redis;
    }

    private static String key(String jobId) {
        return "brushline:webhook:" + jobId;
    }

    /**
     * Records a delivery due now, once per job: a redelivered completion event finds the delivery
     * already there and adds nothing.
     *
     * @param traceparent the trace context the delivery's HTTP calls continue
     * @return whether this call created it
     */
    public boolean enqueue(String jobId, String webhookId, String url, String body, String traceparent) {
        if (!redis.hsetnx(key(jobId), "webhookId", webhookId)) {
            return false;
        }
        redis.hset(key(jobId), Map.of("url", url, "body", body, "attempts", "0", "status", "pending",
                "traceparent", traceparent == null ? "" : traceparent));
        redis.zadd(DUE, System.currentTimeMillis(), jobId);
        return true;
    }

    /** Deliveries due now, leased for {@code leaseMillis}. */
    public List<String> leaseDue(int max, long leaseMillis) {
        long now = System.currentTimeMillis();
        return redis.eval(LEASE_SCRIPT, ScriptOutputType.MULTI, new String[] {DUE}, String.valueOf(now),
                String.valueOf(now + leaseMillis), String.valueOf(max));
    }

    public Optional<Delivery> load(String jobId) {
        Map<String, String> fields = redis.hgetall(key(jobId));
        if (fields.isEmpty() || !"pending".equals(fields.get("status"))) {
            redis.zrem(DUE, jobId);
            return Optional.empty();
        }
        return Optional.of(new Delivery(jobId, fields.get("webhookId"), fields.get("url"), fields.get("body"),
                Integer.parseInt(fields.get("attempts")), fields.getOrDefault("traceparent", "")));
    }

    /** Ends the delivery with a final status (delivered, gone, exhausted). */
    public void finish(String jobId, String status, int attempts) {
        redis.hset(key(jobId), Map.of("status", status, "attempts", String.valueOf(attempts)));
        redis.zrem(DUE, jobId);
    }

    public void retryAt(String jobId, int attempts, long dueMillis) {
        redis.hset(key(jobId), "attempts", String.valueOf(attempts));
        redis.zadd(DUE, dueMillis, jobId);
    }

    /** Remembers that a URL answered 410 Gone: no further deliveries are sent to it. */
    public void markGone(String url) {
        redis.set("brushline:webhook-gone:" + url, Instant.now().toString());
    }

    public boolean isGone(String url) {
        return redis.exists("brushline:webhook-gone:" + url) > 0;
    }
}
