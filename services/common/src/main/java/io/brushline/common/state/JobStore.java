package io.brushline.common.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.BrushlineConfig;
import io.brushline.common.imaging.ResultFormat;
import io.brushline.common.messages.DatasetItem;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Failure;
import io.brushline.common.messages.ImageRef;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Job state in Redis: one hash per job ({@code brushline:job:<id>}) with the current state, a
 * timestamp per transition ({@code at.<STATE>}), each stage's engine time ({@code ms.<stage>}) and
 * what the stages decided. The state only moves forward; terminal states never change. Every write
 * is one script that also renews the hash's expiry, so a job expires {@code brushline.redis.job-ttl}
 * after its last change, and a write to a job that does not exist (any more) creates nothing.
 */
@ApplicationScoped
public class JobStore {

    /**
     * Sets the new state only when the job exists, is not terminal and the new state is not behind.
     * ARGV: ttl millis, state, rank, now, then field/value pairs.
     */
    private static final String ADVANCE = """
            local current = redis.call('HGET', KEYS[1], 'state')
            if current then
              local rank = tonumber(redis.call('HGET', KEYS[1], 'stateRank'))
              if rank < 5 and tonumber(ARGV[3]) >= rank then
                redis.call('HSET', KEYS[1], 'state', ARGV[2], 'stateRank', ARGV[3], 'at.' .. ARGV[2], ARGV[4])
                for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
                redis.call('PEXPIRE', KEYS[1], ARGV[1])
              end
            end
            """;

    /** {@link #ADVANCE}, answering the state before it (MISSING when there is no such job). */
    private static final String ADVANCE_SCRIPT = ADVANCE + """
            if not current then return 'MISSING' end
            return current
            """;

    /** {@link #ADVANCE}, answering the state before it and then every field of the job as it is now. */
    private static final String ADVANCE_AND_READ_SCRIPT = ADVANCE + """
            if not current then return {'MISSING'} end
            return {current, redis.call('HGETALL', KEYS[1])}
            """;

    /** Writes fields of an existing job and renews its expiry. ARGV: ttl millis, then field/value pairs. */
    static final String UPDATE_SCRIPT = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """;

    /**
     * Creates the job unless it exists: a repeated submission never resets a job that has moved on.
     * Returns the existing state, or false when it created the job. ARGV: ttl millis, field/value pairs.
     */
    private static final String CREATE_SCRIPT = """
            local current = redis.call('HGET', KEYS[1], 'state')
            if current then return current end
            for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return false
            """;

    /** The job hash field holding a dataset removal's {@link DatasetItem}, as JSON. */
    static final String DATASET_FIELD = "dataset";

    /** Reads and writes the dataset tag only: a record of plain values, which needs no configured mapper. */
    private static final ObjectMapper DATASET_JSON = new ObjectMapper();

    private final RedisCommands<String, String> redis;
    private final Duration ttl;

    public JobStore(RedisCommands<String, String> redis, BrushlineConfig config) {
        this.redis = redis;
        this.ttl = config.redis().jobTtl();
    }

    static String jobKey(String jobId) {
        return "brushline:job:" + jobId;
    }

    /**
     * Records a new job as QUEUED with its submission fields, unless a job with this id exists.
     *
     * @return the state of the job that already existed, or empty when this call created it
     */
    public Optional<JobState> create(EditJob job) {
        return create(job, Map.of());
    }

    /**
     * Like {@link #create(EditJob)}, with further fields written in the same step (a batch item's
     * {@code batchId} and {@code batchIndex}), so that the job never exists without them.
     */
    public Optional<JobState> create(EditJob job, Map<String, String> extra) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("state", JobState.QUEUED.name());
        fields.put("stateRank", String.valueOf(JobState.QUEUED.ordinal()));
        fields.put("at." + JobState.QUEUED.name(), String.valueOf(System.currentTimeMillis()));
        fields.put("tenant", job.tenant());
        fields.put("instruction", job.instruction());
        fields.put("createdAt", job.createdAt());
        fields.put("traceparent", job.traceparent());
        fields.put("sourceKey", job.source().key());
        fields.put("sourceContentType", job.source().contentType());
        fields.put("width", String.valueOf(job.source().width()));
        fields.put("height", String.valueOf(job.source().height()));
        if (job.webhookUrl() != null) {
            fields.put("webhookUrl", job.webhookUrl());
        }
        if (job.resultFormat() != null) {
            fields.put("resultFormat", job.resultFormat().name());
        }
        if (job.dataset() != null) {
            // kept whole, so that a removal whose message cannot be read still reaches its dataset
            fields.put("datasetId", job.dataset().datasetId());
            fields.put(DATASET_FIELD, datasetJson(job.dataset()));
        }
        fields.putAll(extra);
        String previous = redis.eval(CREATE_SCRIPT, ScriptOutputType.VALUE, new String[] {jobKey(job.jobId())},
                withTtl(fields));
        return Optional.ofNullable(previous).map(JobState::valueOf);
    }

    /** The job as submitted, rebuilt from its hash (for a message that could not be read), or empty. */
    public Optional<EditJob> submitted(String jobId) {
        Map<String, String> f = get(jobId);
        if (f.isEmpty() || f.get("sourceKey") == null) {
            return Optional.empty();
        }
        var source = new ImageRef(f.get("sourceKey"), f.getOrDefault("sourceContentType", "application/octet-stream"),
                Integer.parseInt(f.getOrDefault("width", "0")), Integer.parseInt(f.getOrDefault("height", "0")));
        EditJob job = new EditJob(EditJob.SCHEMA_VERSION, jobId, f.get("tenant"), 1, f.get("traceparent"),
                f.get("createdAt"),
                f.get("instruction"), source, null, f.get("webhookUrl"), null, null, null, null, null, null);
        if (f.containsKey("resultFormat")) {
            job = job.withResultFormat(ResultFormat.valueOf(f.get("resultFormat")));
        }
        String dataset = f.get(DATASET_FIELD);
        return Optional.of(dataset == null ? job : job.withDataset(datasetItem(dataset)));
    }

    private static String datasetJson(DatasetItem item) {
        try {
            return DATASET_JSON.writeValueAsString(item);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DatasetItem datasetItem(String json) {
        try {
            return DATASET_JSON.readValue(json, DatasetItem.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Field/value pairs after the TTL in milliseconds: the argument layout of the write scripts. */
    private String[] withTtl(Map<String, String> fields) {
        String[] args = new String[1 + fields.size() * 2];
        args[0] = String.valueOf(ttl.toMillis());
        int i = 1;
        for (var e : fields.entrySet()) {
            args[i++] = e.getKey();
            args[i++] = e.getValue();
        }
        return args;
    }

    private void update(String jobId, Map<String, String> fields) {
        redis.eval(UPDATE_SCRIPT, ScriptOutputType.INTEGER, new String[] {jobKey(jobId)}, withTtl(fields));
    }

    /**
     * Moves the job to {@code state} unless it is already terminal or further along, and writes the
     * extra fields with it atomically.
     *
     * @return the state before the call, or empty when the job does not exist
     */
    public Optional<JobState> advance(String jobId, JobState state, Map<String, String> fields) {
        String previous = redis.eval(ADVANCE_SCRIPT, ScriptOutputType.VALUE, new String[] {jobKey(jobId)},
                advanceArgs(state, fields));
        return "MISSING".equals(previous) ? Optional.empty() : Optional.of(JobState.valueOf(previous));
    }

    /** A job moved on by {@link #advanceAndRead}: its state before the call, and its fields after it. */
    public record Advanced(JobState before, Map<String, String> fields) {
    }

    /**
     * Like {@link #advance}, and reads the job's fields after the change in the same round trip (for the
     * notifier, whose webhook shows the job as stored).
     */
    @SuppressWarnings("unchecked")
    public Optional<Advanced> advanceAndRead(String jobId, JobState state, Map<String, String> fields) {
        List<Object> reply = redis.eval(ADVANCE_AND_READ_SCRIPT, ScriptOutputType.MULTI,
                new String[] {jobKey(jobId)}, advanceArgs(state, fields));
        if ("MISSING".equals(reply.get(0))) {
            return Optional.empty();
        }
        List<String> flat = (List<String>) reply.get(1);
        Map<String, String> stored = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            stored.put(flat.get(i), flat.get(i + 1));
        }
        return Optional.of(new Advanced(JobState.valueOf((String) reply.get(0)), stored));
    }

    /** ARGV of the advance scripts: ttl millis, state, rank, now, then field/value pairs. */
    private String[] advanceArgs(JobState state, Map<String, String> fields) {
        String[] withFields = withTtl(fields);
        String[] args = new String[withFields.length + 3];
        args[0] = withFields[0];
        args[1] = state.name();
        args[2] = String.valueOf(state.ordinal());
        args[3] = String.valueOf(System.currentTimeMillis());
        System.arraycopy(withFields, 1, args, 4, withFields.length - 1);
        return args;
    }

    public Optional<JobState> advance(String jobId, JobState state) {
        return advance(jobId, state, Map.of());
    }

    /**
     * The fields of the envelope a client may want to see, flattened for the job hash: what the stages
     * decided and each stage's engine time ({@code ms.<stage>}) and object-storage time
     * ({@code io.<stage>}). A stage writes them with its own state change, so the hand-off between two
     * stages costs one Redis round trip, not one for the state and another for the progress.
     */
    public static Map<String, String> decidedFields(EditJob job) {
        Map<String, String> fields = new HashMap<>();
        putTimings(fields, "ms.", job.stageMillis());
        putTimings(fields, "io.", job.storageMillis());
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
            fields.put("resultType", job.result().contentType());
        }
        if (job.failure() != null) {
            fields.putAll(failureFields(job.failure()));
        }
        return fields;
    }

    /** The media type of the result a job's hash names; results stored before it was recorded were all PNG. */
    public static String resultType(Map<String, String> fields) {
        return fields.getOrDefault("resultType", ResultFormat.PNG.contentType());
    }

    /** How a failure is kept on the job: written with the FAILED transition, so never on another end. */
    public static Map<String, String> failureFields(Failure failure) {
        return Map.of("failureStage", failure.stage(), "failureCode", failure.code(), "reason", failure.reason());
    }

    private static void putTimings(Map<String, String> fields, String prefix, Map<String, Long> byStage) {
        if (byStage != null) {
            byStage.forEach((stage, millis) -> fields.put(prefix + stage, String.valueOf(millis)));
        }
    }

    private static void putIfPresent(Map<String, String> fields, String name, String value) {
        if (value != null) {
            fields.put(name, value);
        }
    }

    /** The webhook delivery's status (pending, delivered, gone, exhausted), shown on the job. */
    public void recordWebhookStatus(String jobId, String status) {
        update(jobId, Map.of("webhook", status));
    }

    private static final String ENQUEUED = "enqueued";

    /** Records that the job's first message is durable in Kafka: from now on it moves by itself. */
    public void markEnqueued(String jobId) {
        update(jobId, Map.of(ENQUEUED, "1"));
    }

    /** Whether the job exists and its submission completed (see {@link #markEnqueued}). */
    public boolean isEnqueued(String jobId) {
        return "1".equals(redis.hget(jobKey(jobId), ENQUEUED));
    }

    /** Whether the job read with {@link #get} has its submission completed (see {@link #markEnqueued}). */
    public static boolean isEnqueued(Map<String, String> job) {
        return "1".equals(job.get(ENQUEUED));
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

    /** The job id an idempotency key is bound to, if any. */
    public Optional<String> idempotencyBinding(String tenant, String key) {
        return Optional.ofNullable(redis.get("brushline:idem:" + tenant + ":" + key));
    }

    public void releaseIdempotencyKey(String tenant, String key) {
        redis.del("brushline:idem:" + tenant + ":" + key);
    }

    /** Takes the key's submission lock for at most {@code lease}; false when another request holds it. */
    public boolean lockSubmission(String tenant, String key, Duration lease) {
        return "OK".equals(redis.set("brushline:idem-lock:" + tenant + ":" + key, "1",
                SetArgs.Builder.nx().px(lease.toMillis())));
    }

    public void unlockSubmission(String tenant, String key) {
        redis.del("brushline:idem-lock:" + tenant + ":" + key);
    }
}
