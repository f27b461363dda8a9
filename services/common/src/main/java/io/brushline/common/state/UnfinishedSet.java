package io.brushline.common.state;

import io.lettuce.core.Range;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Instant;
import java.util.List;

/**
 * The records of one kind (batches, datasets) whose count reached zero and that are not completed yet: a
 * sorted set of their ids, scored by when the count was first found at zero. Whoever counts the last event
 * completes the record at once; one that stays here could not be completed then, and a sweep
 * ({@link UnfinishedSweep}) completes it. The count and completion scripts of the record's store keep the
 * set, with the Lua lines of {@link #listAtZero} and {@link #unlist}, in the same step as the count.
 */
public final class UnfinishedSet {

    private final RedisCommands<String, String> redis;
    private final String key;

    UnfinishedSet(RedisCommands<String, String> redis, String key) {
        this.redis = redis;
        this.key = key;
    }

    /** The set's key, for the scripts that keep it. */
    String key() {
        return key;
    }

    /**
     * Lua that lists the record {@code KEYS[record]} as unfinished in {@code KEYS[set]} when the local
     * {@code remaining} is zero and the record has no {@code completedAt}; a record listed already keeps its
     * first time. ARGV: {@code ARGV[now]} the time in millis, {@code ARGV[id]} the record's id.
     */
    static String listAtZero(int record, int set, int now, int id) {
        return """
                if remaining == 0 and redis.call('HEXISTS', KEYS[%1$d], 'completedAt') == 0 then
                  redis.call('ZADD', KEYS[%2$d], 'NX', tonumber(ARGV[%3$d]), ARGV[%4$d])
                end
                """.formatted(record, set, now, id);
    }

    /** Lua that takes the record {@code ARGV[id]} off the set {@code KEYS[set]} (it is completed). */
    static String unlist(int set, int id) {
        return "redis.call('ZREM', KEYS[%d], ARGV[%d])\n".formatted(set, id);
    }

    /** The ids whose count was found at zero before {@code before} and that are not completed yet. */
    public List<String> since(Instant before) {
        return redis.zrangebyscore(key, Range.create(0d, (double) before.toEpochMilli()));
    }

    /** Forgets a record that can no longer be completed (it expired). */
    public void forget(String id) {
        redis.zrem(key, id);
    }
}
