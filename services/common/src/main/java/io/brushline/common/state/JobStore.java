package io.brushline.common.state;

import io.brushline.common.BrushlineConfig;
import io.brushline.common.messages.EditJob;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Job state in Redis: one hash per job ({@code brushline:job:<id>}) with the current state, a
 * timestamp per transition ({@code at.<STATE>}), each stage's engine time ({@code ms.<stage>}) and
 * what the stages decided. The state only moves forward; terminal states never change.
 */
@ApplicationScoped
public class JobStore {

    /** Sets the new state only when the job exists, is not terminal and the new state is not behind. */
    private static final String ADVANCE_SCRIPT = """
            local current = redis.call('HGET', KEYS[1], 'state')
            if not current then return 'MISSING' end
            local rank = tonumber(redis.call('HGET', KEYS[1], 'stateRank'))
            local next = tonumber(ARGV[2])
            if rank >= 5 then return current end
            if next < rank then return current end
            redis.call('HSET', KEYS[1], 'state', ARGV[1], 'stateRank', ARGV[2], 'at.' .. ARGV[1], ARGV[3])
            for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            return current
            """;

    private final RedisCommands<String, String> redis;
    private final Duration ttl;

    public JobStore(RedisCommands<String, String> redis, BrushlineConfig config) {
        this.redis = redis;
        this.ttl = config.redis().jobTtl();
    }

    static String jobKey(String jobId) {
        return "brushline:job:" + jobId;
    }

    /** Records a new job as QUEUED with its submission fields. */
    public void create(EditJob job) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("state", JobState.QUEUED.name());
        fields.put("stateRank", String.valueOf(JobState.QUEUED.ordinal()));
        fields.put("at." + JobState.QUEUED.name(), String.valueOf(System.currentTimeMillis()));
        fields.put("tenant", job.tenant());
        fields.put("instruction", job.instruction());
        fields.put("createdAt", job.createdAt());
        fields.put("sourceKey", job.source().key());
        fields.put("width", String.valueOf(job.source().width()));
        fields.put("height", String.valueOf(job.source().height()));
        if (job.webhookUrl() != null) {
            fields.put("webhookUrl", job.webhookUrl());
        }
        String key = jobKey(job.jobId());
        redis.hset(key, fields);
        redis.expire(key, ttl);
    }

    /**
     * Moves the job to {@code state} unless it is already terminal or further along, and writes the
     * extra fields with it atomically.
     *
     * @return the state before the call, or empty when the job does not exist
     */
    public Optional<JobState> advance(String jobId, JobState state, Map<String, String> fields) {
        String[] args = new String[3 + fields.size() * 2];
        args[0] = state.name();
        args[1] = String.valueOf(state.ordinal());
        args[2] = String.valueOf(System.currentTimeMillis());
        int i = 3;
        for (var e : fields.entrySet()) {
            args[i++] = e.getKey();
            args[i++] = e.getValue();
        }
        String previous = redis.eval(ADVANCE_SCRIPT, ScriptOutputType.VALUE, new String[] {jobKey(jobId)}, args);
        return "MISSING".equals(previous) ? Optional.empty() : Optional.of(JobState.valueOf(previous));
    }

    public Optional<JobState> advance(String jobId, JobState state) {
        return advance(jobId, state, Map.of());
    }

    /**
     * Writes what a stage decided (from the envelope), its engine time ({@code ms.<stage>}) and its
     * object-storage time ({@code io.<stage>}), without changing state.
     */
    public void recordProgress(EditJob job, String stage, long engineMillis, long storageMillis) {
        Map<String, String> fields = decidedFields(job);
        fields.put("ms." + stage, String.valueOf(engineMillis));
        fields.put("io." + stage, String.valueOf(storageMillis));
        redis.hset(jobKey(job.jobId()), fields);
    }

    /** The fields of the envelope a client may want to see, flattened for the job hash. */
    public static Map<String, String> decidedFields(EditJob job) {
        Map<String, String> fields = new HashMap<>();
        var c = job.classification();
        if (c != null) {
            fields.put("category", c.category().name());
            putIfPresent(fields, "object", c.object());
            putIfPresent(fields, "targetPrompt", c.targetPrompt());
            putIfPresent(fields, "negativePrompt", c.negativePrompt());
            putIfPresent(fields, "engine", c.engine());
        }
        if (job.grounding() != null) {
            fields.put("grounding", job.grounding().method());
        }
        if (job.operation() != null) {
            fields.put("tier", job.operation().tier());
            fields.put("operation", job.operation().name());
            job.operation().params().forEach((name, value) -> fields.put("param." + name, value));
            putIfPresent(fields, "operationNote", job.operation().note());
        }
        if (job.mask() != null) {
            fields.put("maskKey", job.mask().key());
        }
        if (job.result() != null) {
            fields.put("resultKey", job.result().key());
        }
        if (job.failure() != null) {
            fields.put("failureStage", job.failure().stage());
            fields.put("failureCode", job.failure().code());
            fields.put("reason", job.failure().reason());
        }
        return fields;
    }

    private static void putIfPresent(Map<String, String> fields, String name, String value) {
        if (value != null) {
            fields.put(name, value);
        }
    }

    /** The webhook delivery's status (pending, delivered, gone, exhausted), shown on the job. */
    public void recordWebhookStatus(String jobId, String status) {
        redis.hset(jobKey(jobId), "webhook", status);
    }

    /** Records that the job's first message is durable in Kafka: from now on it moves by itself. */
    public void markEnqueued(String jobId) {
        redis.hset(jobKey(jobId), "enqueued", "1");
    }

    /** Whether the job exists and its submission completed (see {@link #markEnqueued}). */
    public boolean isEnqueued(String jobId) {
        return "1".equals(redis.hget(jobKey(jobId), "enqueued"));
    }

    /** Everything known about the job, or an empty map when there is no such job. */
    public Map<String, String> get(String jobId) {
        return redis.hgetall(jobKey(jobId));
    }

    public Optional<JobState> state(String jobId) {
        return Optional.ofNullable(redis.hget(jobKey(jobId), "state")).map(JobState::valueOf);
    }

    /**
     * Binds an idempotency key to a job id for {@code ttl}, first caller wins.
     *
     * @return the job id already bound to the key, or empty when this call bound it
     */
    public Optional<String> claimIdempotencyKey(String tenant, String key, String jobId, Duration ttl) {
        String redisKey = "brushline:idem:" + tenant + ":" + key;
        String set = redis.set(redisKey, jobId, SetArgs.Builder.nx().ex(ttl));
        return "OK".equals(set) ? Optional.empty() : Optional.ofNullable(redis.get(redisKey));
    }

    public void releaseIdempotencyKey(String tenant, String key) {
        redis.del("brushline:idem:" + tenant + ":" + key);
    }
}
