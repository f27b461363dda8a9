package io.brushline.common.state;

import io.brushline.common.BrushlineConfig;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Batches in Redis. A batch is a hash ({@code brushline:batch:<id>}: tenant, total, remaining,
 * webhook settings, timestamps, the manifest's object key), the list of its item job ids in item
 * order ({@code :jobs}), the metadata clients attached to items ({@code :meta}, index to JSON) and
 * the set of item indexes already counted as terminal ({@code :counted}). Each item is an ordinary
 * job whose id derives from the batch id and the item index ({@link #itemJobId}), so submitting an
 * item twice is submitting the same job twice.
 *
 * <p>Completion is counted once per item: {@link #countTerminal} adds the index to the counted set
 * and decrements {@code remaining} only when the index was not there yet, in one script, so a
 * redelivered terminal event changes nothing. Every call that finds {@code remaining} at zero answers
 * zero, so that a notifier that dies after the last decrement but before announcing the batch does
 * it when the event comes again; what follows (manifest, webhook) is idempotent.
 *
 * <p>Running batches of a tenant are kept in a sorted set by creation time, bounded at creation;
 * entries older than the job TTL are dropped there, so a batch that never completes frees its slot.
 */
@ApplicationScoped
public class BatchStore {

    /**
     * KEYS: batch hash, jobs list, meta hash, tenant's in-flight set. ARGV: ttl millis, now millis,
     * max in flight (0 = no limit), stale-before millis, batch id, field count, job count, meta count,
     * then field/value pairs, job ids, index/metadata pairs. Returns EXISTS, BUSY or OK.
     */
    private static final String CREATE_SCRIPT = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 'EXISTS' end
            """ + takeInFlightSlot(4) + """
            local nf, nj, nm = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
            local i = 9
            for _ = 1, nf do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]); i = i + 2 end
            for _ = 1, nj do redis.call('RPUSH', KEYS[2], ARGV[i]); i = i + 1 end
            for _ = 1, nm do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]); i = i + 2 end
            for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], ARGV[1]) end
            return 'OK'
            """;

    /**
     * KEYS: batch hash, counted set, unfinished set. ARGV: item index, ttl millis, batch id, now (millis).
     * Returns the items not yet terminal after this call, or -1 when the batch does not exist (any more)
     * or has no such item. A batch found at zero and not completed is listed as unfinished, with the time
     * it was first found so.
     */
    private static final String COUNT_SCRIPT = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            local index = tonumber(ARGV[1])
            if index == nil or index < 0 or index >= tonumber(redis.call('HGET', KEYS[1], 'total')) then return -1 end
            if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
              redis.call('HINCRBY', KEYS[1], 'remaining', -1)
              redis.call('PEXPIRE', KEYS[2], ARGV[2])
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            local remaining = tonumber(redis.call('HGET', KEYS[1], 'remaining'))
            """ + UnfinishedSet.listAtZero(1, 3, 4, 3) + """
            return remaining
            """;

    /**
     * KEYS: batch hash, unfinished set. ARGV: ttl millis, now (ISO-8601), manifest key, batch id. The
     * first completion time stays.
     */
    private static final String COMPLETE_SCRIPT = UnfinishedSet.unlist(2, 4) + """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('HSETNX', KEYS[1], 'completedAt', ARGV[2])
            redis.call('HSET', KEYS[1], 'manifestKey', ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """;

    /** What a new batch is made of. */
    public record NewBatch(String id, String tenant, List<String> jobIds, Map<String, String> fields,
            Map<Integer, String> metadata) {
    }

    /** The outcome of {@link #create} (and of a dataset's). */
    public enum Created {
        CREATED, EXISTS, TOO_MANY_IN_FLIGHT;

        /** The answer of a create script: OK, EXISTS or BUSY. */
        static Created of(String scriptAnswer) {
            return switch (scriptAnswer) {
                case "OK" -> CREATED;
                case "EXISTS" -> EXISTS;
                default -> TOO_MANY_IN_FLIGHT;
            };
        }
    }

    /**
     * Lua that takes one of the tenant's in-flight slots, {@code KEYS[key]} (a sorted set of ids by start
     * time), after dropping the stale ones; answers BUSY when none is free. ARGV 1 to 5: ttl millis, now
     * millis, max in flight (0 = no limit), stale-before millis, the id taking the slot.
     */
    static String takeInFlightSlot(int key) {
        return """
                redis.call('ZREMRANGEBYSCORE', KEYS[%1$d], '-inf', ARGV[4])
                local max = tonumber(ARGV[3])
                if max > 0 and redis.call('ZCARD', KEYS[%1$d]) >= max then return 'BUSY' end
                redis.call('ZADD', KEYS[%1$d], ARGV[2], ARGV[5])
                redis.call('PEXPIRE', KEYS[%1$d], ARGV[1])
                """.formatted(key);
    }

    private final RedisCommands<String, String> redis;
    private final Duration ttl;
    private final UnfinishedSet unfinished;

    public BatchStore(RedisCommands<String, String> redis, BrushlineConfig config) {
        this.redis = redis;
        this.ttl = config.redis().jobTtl();
        this.unfinished = new UnfinishedSet(redis, "brushline:batches:unfinished");
    }

    static String key(String batchId) {
        return "brushline:batch:" + batchId;
    }

    static String inFlightKey(String tenant) {
        return "brushline:batches-in-flight:" + tenant;
    }

    /** The job id of item {@code index} of batch {@code batchId}: the same on every submission. */
    public static String itemJobId(String batchId, int index) {
        return UUID.nameUUIDFromBytes(("brushline-batch:" + batchId + ":" + index).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * Records a running batch, unless one with this id exists or the tenant already runs
     * {@code maxInFlight} batches (0: no limit).
     */
    public Created create(NewBatch batch, int maxInFlight) {
        long now = System.currentTimeMillis();
        Map<String, String> fields = new LinkedHashMap<>(batch.fields());
        fields.put("tenant", batch.tenant());
        fields.put("total", String.valueOf(batch.jobIds().size()));
        fields.put("remaining", String.valueOf(batch.jobIds().size()));
        fields.put("createdAtMillis", String.valueOf(now));
        List<String> args = new ArrayList<>();
        args.add(String.valueOf(ttl.toMillis()));
        args.add(String.valueOf(now));
        args.add(String.valueOf(Math.max(0, maxInFlight)));
        args.add(String.valueOf(now - ttl.toMillis()));
        args.add(batch.id());
        args.add(String.valueOf(fields.size()));
        args.add(String.valueOf(batch.jobIds().size()));
        args.add(String.valueOf(batch.metadata().size()));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        args.addAll(batch.jobIds());
        batch.metadata().forEach((index, json) -> {
            args.add(String.valueOf(index));
            args.add(json);
        });
        String id = batch.id();
        String result = redis.eval(CREATE_SCRIPT, ScriptOutputType.VALUE,
                new String[] {key(id), key(id) + ":jobs", key(id) + ":meta", inFlightKey(batch.tenant())},
                args.toArray(String[]::new));
        return Created.of(result);
    }

    /** The batch hash, or an empty map. */
    public Map<String, String> get(String batchId) {
        return redis.hgetall(key(batchId));
    }

    /** The item job ids from {@code from} (inclusive), at most {@code count}. */
    public List<String> jobIds(String batchId, long from, long count) {
        if (count <= 0) {
            return List.of();
        }
        return redis.lrange(key(batchId) + ":jobs", from, from + count - 1);
    }

    public List<String> jobIds(String batchId) {
        return redis.lrange(key(batchId) + ":jobs", 0, -1);
    }

    /** Metadata (JSON) of the items at the given indexes, null where an item has none. */
    public List<String> metadata(String batchId, List<Integer> indexes) {
        if (indexes.isEmpty()) {
            return List.of();
        }
        return redis.hmget(key(batchId) + ":meta", indexes.stream().map(String::valueOf).toArray(String[]::new))
                .stream().map(kv -> kv.getValueOrElse(null)).toList();
    }

    /**
     * How many of the batch's jobs are in each state ({@code MISSING} for an item whose job does not
     * exist). One {@code HGET} per job, all sent before the first answer is awaited (Lettuce pipelines
     * the commands of one connection), rather than a script: a script may only touch the keys it is
     * passed, and each job hash is a key of its own (of its own cluster slot, too). The counts are
     * each job's state as read, not one atomic snapshot; the page of items is read the same way.
     */
    public Map<String, Long> stateCounts(String batchId) {
        List<String> ids = jobIds(batchId);
        var connection = redis.getStatefulConnection();
        List<RedisFuture<String>> states = new ArrayList<>(ids.size());
        for (String id : ids) {
            states.add(connection.async().hget(JobStore.jobKey(id), "state"));
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (RedisFuture<String> state : states) {
            String value = LettuceFutures.awaitOrCancel(state, connection.getTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            counts.merge(value == null ? "MISSING" : value, 1L, Long::sum);
        }
        return counts;
    }

    /**
     * Counts item {@code index} as terminal, once whatever the number of calls.
     *
     * @return the items not yet terminal, or -1 when there is no such batch or item
     */
    public long countTerminal(String batchId, int index) {
        Long remaining = redis.eval(COUNT_SCRIPT, ScriptOutputType.INTEGER,
                new String[] {key(batchId), key(batchId) + ":counted", unfinished.key()}, String.valueOf(index),
                String.valueOf(ttl.toMillis()), batchId, String.valueOf(System.currentTimeMillis()));
        return remaining == null ? -1 : remaining;
    }

    private boolean update(String batchId, Map<String, String> fields) {
        List<String> args = new ArrayList<>();
        args.add(String.valueOf(ttl.toMillis()));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        Long done = redis.eval(JobStore.UPDATE_SCRIPT, ScriptOutputType.INTEGER, new String[] {key(batchId)},
                args.toArray(String[]::new));
        return done != null && done == 1;
    }

    /** Records that every item was submitted: retries of the submission have nothing left to do. */
    public void markSubmitted(String batchId) {
        update(batchId, Map.of("submitted", "1"));
    }

    /** What a cancel request found. */
    public enum CancelRequest {
        RECORDED, ALREADY_COMPLETE, NO_SUCH_BATCH
    }

    /** KEYS: batch hash. ARGV: ttl millis. A batch whose items have all ended stays as it ended. */
    private static final String CANCEL_SCRIPT = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            if tonumber(redis.call('HGET', KEYS[1], 'remaining')) == 0 then return 0 end
            redis.call('HSET', KEYS[1], 'cancelRequested', '1')
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """;

    /** Records a cancel request, unless every item has already ended. */
    public CancelRequest requestCancel(String batchId) {
        Long outcome = redis.eval(CANCEL_SCRIPT, ScriptOutputType.INTEGER, new String[] {key(batchId)},
                String.valueOf(ttl.toMillis()));
        return outcome == null || outcome < 0 ? CancelRequest.NO_SUCH_BATCH
                : outcome == 0 ? CancelRequest.ALREADY_COMPLETE : CancelRequest.RECORDED;
    }

    /**
     * Records the end of the batch (the manifest written) and frees its in-flight slot. The completion
     * time is the first one recorded: repeating this after a crash does not move it.
     */
    public void markCompleted(String batchId, String tenant, String manifestKey) {
        redis.eval(COMPLETE_SCRIPT, ScriptOutputType.INTEGER, new String[] {key(batchId), unfinished.key()},
                String.valueOf(ttl.toMillis()), Instant.now().toString(), manifestKey, batchId);
        redis.zrem(inFlightKey(tenant), batchId);
    }

    /**
     * The batches counted to zero and not completed: one stays there when storage was down past every
     * retry and replay of its last event, and the notifier's sweep completes it.
     */
    public UnfinishedSet unfinished() {
        return unfinished;
    }

    /** Frees the batch's slot among the tenant's running batches (a submission cut short). */
    public void releaseInFlight(String tenant, String batchId) {
        redis.zrem(inFlightKey(tenant), batchId);
    }

    /** The batch webhook's delivery status (pending, delivered, gone, exhausted, refused). */
    public void recordWebhookStatus(String batchId, String status) {
        update(batchId, Map.of("webhook", status));
    }

    /**
     * Binds a batch Idempotency-Key to a batch id for {@code ttl}, first caller wins.
     *
     * @return the batch id already bound to the key, or empty when this call bound it
     */
    public Optional<String> claimIdempotencyKey(String tenant, String key, String batchId, Duration ttl) {
        String redisKey = "brushline:batch-idem:" + tenant + ":" + key;
        String set = redis.set(redisKey, batchId, SetArgs.Builder.nx().ex(ttl));
        return "OK".equals(set) ? Optional.empty() : Optional.ofNullable(redis.get(redisKey));
    }

    public void releaseIdempotencyKey(String tenant, String key) {
        redis.del("brushline:batch-idem:" + tenant + ":" + key);
    }
}
