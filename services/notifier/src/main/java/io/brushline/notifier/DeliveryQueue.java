package io.brushline.notifier;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pending webhook deliveries, durable in Redis so that a notifier crash or restart loses none:
 * a hash per delivery ({@code brushline:webhook:<jobId>}: tenant, url, body, attempts, status) and a
 * sorted set of delivery ids by due time. A worker leases due deliveries by pushing their due time
 * ahead; if it dies mid-delivery the lease runs out and another worker (or the restarted one) retries.
 * Delivery hashes expire {@code brushline.webhook.record-ttl} after their last change, markers of
 * gone URLs after {@code gone-ttl}.
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

    /**
     * Creates the delivery and schedules it in one step, once per job: a redelivered event finds it
     * there and adds nothing; a connection lost mid-way leaves all of it or none of it.
     * KEYS: delivery hash, due set. ARGV: job id, webhook id, tenant, url, body, now, ttl millis, traceparent.
     */
    private static final String ENQUEUE_SCRIPT = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'webhookId', ARGV[2], 'tenant', ARGV[3], 'url', ARGV[4], 'body', ARGV[5],
                'attempts', '0', 'status', 'pending', 'traceparent', ARGV[8])
            redis.call('PEXPIRE', KEYS[1], ARGV[7])
            redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
            return 1
            """;

    /** A delivery as stored; its status is pending until {@link #finish} gives it a final one. */
    public record Delivery(String jobId, String webhookId, String tenant, String url, String body, int attempts,
            String traceparent, String status) {

        public boolean pending() {
            return "pending".equals(status);
        }
    }

    private final RedisCommands<String, String> redis;
    private final WebhookConfig config;

    public DeliveryQueue(RedisCommands<String, String> redis, WebhookConfig config) {
        this.redis = redis;
        this.config = config;
    }

    static String key(String jobId) {
        return "brushline:webhook:" + jobId;
    }

    /** Scoped per tenant: a URL one tenant's receiver gave up does not silence another tenant's. */
    static String goneKey(String tenant, String url) {
        return "brushline:webhook-gone:" + tenant + ":" + url;
    }

    /**
     * Records a delivery due now, once per job.
     *
     * @param traceparent the trace context the delivery's HTTP calls continue
     * @return whether this call created it
     */
    public boolean enqueue(String jobId, String webhookId, String tenant, String url, String body,
            String traceparent) {
        Long created = redis.eval(ENQUEUE_SCRIPT, ScriptOutputType.INTEGER, new String[] {key(jobId), DUE}, jobId,
                webhookId, tenant, url, body, String.valueOf(System.currentTimeMillis()),
                String.valueOf(config.recordTtl().toMillis()), traceparent == null ? "" : traceparent);
        return created != null && created == 1;
    }

    /** Deliveries due now, leased for {@code leaseMillis}. */
    public List<String> leaseDue(int max, long leaseMillis) {
        long now = System.currentTimeMillis();
        return redis.eval(LEASE_SCRIPT, ScriptOutputType.MULTI, new String[] {DUE}, String.valueOf(now),
                String.valueOf(now + leaseMillis), String.valueOf(max));
    }

    /**
     * The leased delivery: a pending one to attempt, or a finished one still due because the job's
     * record of its outcome may not have been written (see {@link #finish}). Empty when it expired.
     */
    public Optional<Delivery> load(String jobId) {
        Map<String, String> fields = redis.hgetall(key(jobId));
        if (fields.isEmpty()) {
            forget(jobId);
            return Optional.empty();
        }
        return Optional.of(new Delivery(jobId, fields.get("webhookId"), fields.getOrDefault("tenant", ""),
                fields.get("url"), fields.get("body"), Integer.parseInt(fields.get("attempts")),
                fields.getOrDefault("traceparent", ""), fields.get("status")));
    }

    /**
     * Gives the delivery its final status (delivered, gone, exhausted, refused). It stays due until
     * {@link #forget}: should Redis fail before the job records the outcome, the delivery comes up
     * again when its lease runs out, finished, and the outcome is recorded then, without a second send.
     */
    public void finish(String jobId, String status, int attempts) {
        redis.hset(key(jobId), Map.of("status", status, "attempts", String.valueOf(attempts)));
        redis.pexpire(key(jobId), config.recordTtl().toMillis());
    }

    /** Takes the delivery off the due set, once its outcome is recorded on the job. */
    public void forget(String jobId) {
        redis.zrem(DUE, jobId);
    }

    public void retryAt(String jobId, int attempts, long dueMillis) {
        redis.hset(key(jobId), "attempts", String.valueOf(attempts));
        redis.pexpire(key(jobId), config.recordTtl().toMillis());
        redis.zadd(DUE, dueMillis, jobId);
    }

    /** Remembers that a tenant's URL answered 410 Gone: no further deliveries of that tenant go to it. */
    public void markGone(String tenant, String url) {
        redis.set(goneKey(tenant, url), Instant.now().toString(), SetArgs.Builder.px(config.goneTtl().toMillis()));
    }

    public boolean isGone(String tenant, String url) {
        return redis.exists(goneKey(tenant, url)) > 0;
    }
}
