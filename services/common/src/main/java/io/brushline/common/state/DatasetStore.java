package io.brushline.common.state;

import io.brushline.common.BrushlineConfig;
import io.brushline.common.messages.DatasetDrops;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Dataset jobs in Redis. A dataset is a hash ({@code brushline:dataset:<id>}: tenant, settings, image
 * count, {@code remaining}, counters), the set of survey and pair events already counted
 * ({@code :counted}) and the metadata row of every kept pair ({@code :rows}, pair name to JSON).
 *
 * <p>{@code remaining} starts at the number of images. Surveying an image adds the removals it queued
 * and takes one off for the image itself; each removal that ends (kept or dropped) takes one off. The
 * survey is counted before its removals are sent, so {@code remaining} reaches zero exactly when every
 * image is surveyed and every removal has ended. Each event is counted once ({@code :counted}): a
 * redelivered event changes nothing and answers the current count, so whoever finds zero can finish the
 * dataset again after a crash (writing the metadata and the data card is idempotent).
 *
 * <p>Counters: {@code images.surveyed}, {@code objects.found}, {@code pairs.queued}, {@code pairs.kept}
 * (of which {@code pairs.unverified}) and {@code dropped.<reason>} for every object a filter or the
 * verification dropped.
 *
 * <p>The objects a client supplied for an image, which the survey takes instead of the detector's, are
 * the field {@link #suppliedObjectsField} of that image (a JSON list of {@code SuppliedObject}s), written
 * with the dataset by {@link #create}.
 */
@ApplicationScoped
public class DatasetStore {

    /**
     * KEYS: dataset hash, tenant's in-flight set. ARGV: ttl millis, now millis, max in flight (0 = no
     * limit), stale-before millis, dataset id, then field/value pairs. Returns EXISTS, BUSY or OK.
     */
    private static final String CREATE_SCRIPT = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 'EXISTS' end
            """ + BatchStore.takeInFlightSlot(2) + """
            for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 'OK'
            """;

    /**
     * KEYS: dataset hash, counted set, rows hash, unfinished set. ARGV: ttl millis, event name, change of
     * remaining, row name ('' for none), row JSON, dataset id, now (millis), then counter/increment pairs.
     * Returns remaining after the call, or -1 when there is no such dataset. A dataset found at zero and
     * not completed is listed as unfinished, with the time it was first found so.
     */
    private static final String COUNT_SCRIPT = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            if redis.call('SADD', KEYS[2], ARGV[2]) == 1 then
              redis.call('HINCRBY', KEYS[1], 'remaining', tonumber(ARGV[3]))
              for i = 8, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], tonumber(ARGV[i + 1])) end
              if ARGV[4] ~= '' then
                redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
                redis.call('PEXPIRE', KEYS[3], ARGV[1])
              end
              redis.call('PEXPIRE', KEYS[2], ARGV[1])
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            local remaining = tonumber(redis.call('HGET', KEYS[1], 'remaining'))
            """ + UnfinishedSet.listAtZero(1, 4, 7, 6) + """
            return remaining
            """;

    /**
     * KEYS: dataset hash, unfinished set, tenant's in-flight set. ARGV: ttl millis, now (ISO-8601), dataset
     * id. The first completion time stays; answers it.
     */
    private static final String COMPLETE_SCRIPT = UnfinishedSet.unlist(2, 3) + """
            redis.call('ZREM', KEYS[3], ARGV[3])
            if redis.call('EXISTS', KEYS[1]) == 0 then return false end
            redis.call('HSETNX', KEYS[1], 'completedAt', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return redis.call('HGET', KEYS[1], 'completedAt')
            """;

    /** Counters of the dataset hash: pairs kept, and those of them kept without the detector's check. */
    public static final String PAIRS_KEPT = "pairs.kept";
    public static final String PAIRS_UNVERIFIED = "pairs.unverified";

    private final RedisCommands<String, String> redis;
    private final Duration ttl;
    private final UnfinishedSet unfinished;

    public DatasetStore(RedisCommands<String, String> redis, BrushlineConfig config) {
        this.redis = redis;
        this.ttl = config.redis().jobTtl();
        this.unfinished = new UnfinishedSet(redis, "brushline:datasets:unfinished");
    }

    static String key(String datasetId) {
        return "brushline:dataset:" + datasetId;
    }

    /** The job id of the removal of object {@code object} of image {@code image}: the same on every survey. */
    public static String removalJobId(String datasetId, int image, int object) {
        return UUID.nameUUIDFromBytes(("brushline-dataset:" + datasetId + ":" + image + ":" + object)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The field of the dataset's hash that holds the objects supplied for image {@code image}. */
    public static String suppliedObjectsField(int image) {
        return "supplied." + image;
    }

    static String inFlightKey(String tenant) {
        return "brushline:datasets-in-flight:" + tenant;
    }

    /**
     * Records a running dataset of {@code images} images, unless one with this id exists or the tenant
     * already runs {@code maxInFlight} datasets (0: no limit). A dataset holds its slot until it is marked
     * completed, or at most the record's time to live.
     *
     * @param fields further fields (webhook URL, settings as JSON, ...)
     * @return the outcome, as for a batch
     */
    public BatchStore.Created create(String datasetId, String tenant, int images, Map<String, String> fields,
            int maxInFlight) {
        long now = System.currentTimeMillis();
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("tenant", tenant);
        all.put("images", String.valueOf(images));
        all.put("remaining", String.valueOf(images));
        all.put("createdAt", Instant.ofEpochMilli(now).toString());
        List<String> args = new ArrayList<>(List.of(String.valueOf(ttl.toMillis()), String.valueOf(now),
                String.valueOf(Math.max(0, maxInFlight)), String.valueOf(now - ttl.toMillis()), datasetId));
        all.forEach((name, value) -> {
            args.add(name);
            args.add(value);
        });
        String result = redis.eval(CREATE_SCRIPT, ScriptOutputType.VALUE,
                new String[] {key(datasetId), inFlightKey(tenant)}, args.toArray(String[]::new));
        return BatchStore.Created.of(result);
    }

    /** {@link #create(String, String, int, Map, int)} with no limit; whether this call created it. */
    public boolean create(String datasetId, String tenant, int images, Map<String, String> fields) {
        return create(datasetId, tenant, images, fields, 0) == BatchStore.Created.CREATED;
    }

    /** The dataset's hash; empty when there is no such dataset (or it expired). */
    public Map<String, String> get(String datasetId) {
        return redis.hgetall(key(datasetId));
    }

    /**
     * Counts the survey of image {@code image}, once: {@code objectsFound} detections, of which
     * {@code removalsQueued} are sent for removal and the rest dropped by filter ({@code dropped}, by reason).
     *
     * @return the events the dataset still waits for, or -1 when there is no such dataset
     */
    public long recordSurvey(String datasetId, int image, int objectsFound, int removalsQueued,
            Map<String, Integer> dropped) {
        Map<String, Integer> counters = new LinkedHashMap<>();
        counters.put("images.surveyed", 1);
        counters.put("objects.found", objectsFound);
        counters.put("pairs.queued", removalsQueued);
        dropped.forEach((reason, count) -> counters.merge(DatasetCounts.DROPPED + reason, count, Integer::sum));
        return count(datasetId, "image:" + image, removalsQueued - 1, "", "", counters);
    }

    /**
     * Counts the end of the removal of object {@code object} of image {@code image}, once: kept with its
     * metadata row ({@code droppedReason} null), or dropped for {@code droppedReason}.
     *
     * @return the events the dataset still waits for, or -1 when there is no such dataset
     */
    public long recordPair(String datasetId, String pairName, String droppedReason, String row) {
        if (droppedReason == null) {
            return count(datasetId, "pair:" + pairName, -1, pairName, row, Map.of(PAIRS_KEPT, 1));
        }
        return count(datasetId, "pair:" + pairName, -1, "", "", Map.of(DatasetCounts.DROPPED + droppedReason, 1));
    }

    /**
     * Counts a kept pair whose removal the detector could not check (it does not know the supplied
     * object's class), once: kept with its row, and counted under {@code pairs.unverified} too.
     *
     * @return the events the dataset still waits for, or -1 when there is no such dataset
     */
    public long recordUnverifiedPair(String datasetId, String pairName, String row) {
        return count(datasetId, "pair:" + pairName, -1, pairName, row, Map.of(PAIRS_KEPT, 1, PAIRS_UNVERIFIED, 1));
    }

    /**
     * Counts image {@code image} as surveyed with nothing found because it could not be used (its URL
     * failed, the bytes are no image, ...), keeping the reason under {@code failed.<image>} as JSON
     * ({@code {"error": code, "message": reason}}) for the dataset's status.
     *
     * @return the events the dataset still waits for, or -1 when there is no such dataset
     */
    public long recordFailedImage(String datasetId, int image, String failureJson) {
        redis.eval(JobStore.UPDATE_SCRIPT, ScriptOutputType.INTEGER, new String[] {key(datasetId)},
                String.valueOf(ttl.toMillis()), DatasetCounts.FAILED + image, failureJson);
        return recordSurvey(datasetId, image, 0, 0, Map.of(DatasetDrops.IMAGE_FAILED, 1));
    }

    private long count(String datasetId, String event, int change, String rowName, String row,
            Map<String, Integer> counters) {
        List<String> args = new ArrayList<>(List.of(String.valueOf(ttl.toMillis()), event, String.valueOf(change),
                rowName, row, datasetId, String.valueOf(System.currentTimeMillis())));
        counters.forEach((name, increment) -> {
            args.add(name);
            args.add(String.valueOf(increment));
        });
        Long remaining = redis.eval(COUNT_SCRIPT, ScriptOutputType.INTEGER,
                new String[] {key(datasetId), key(datasetId) + ":counted", key(datasetId) + ":rows", unfinished.key()},
                args.toArray(String[]::new));
        return remaining == null ? -1 : remaining;
    }

    /**
     * Removals queued and not yet ended (kept, or dropped by the verification); 0 when there is no such
     * dataset. Reads those counters only: the hash also holds every image's supplied objects, and a
     * waiting survey asks this twice a second.
     */
    public long removalsInFlight(String datasetId) {
        List<String> fields = new ArrayList<>(List.of("pairs.queued", PAIRS_KEPT));
        DatasetDrops.VERIFICATION.forEach(reason -> fields.add(DatasetCounts.DROPPED + reason));
        List<KeyValue<String, String>> counters = redis.hmget(key(datasetId), fields.toArray(String[]::new));
        long inFlight = 0;
        for (int i = 0; i < counters.size(); i++) {
            long value = counters.get(i).hasValue() ? Long.parseLong(counters.get(i).getValue()) : 0;
            inFlight += i == 0 ? value : -value;
        }
        return inFlight;
    }

    /** The metadata rows of the kept pairs, by pair name (so in image order). */
    public TreeMap<String, String> rows(String datasetId) {
        return new TreeMap<>(redis.hgetall(key(datasetId) + ":rows"));
    }

    /**
     * Records the end of the dataset (its files written) and frees its in-flight slot. The completion time
     * is the first one recorded: repeating this after a crash does not move it.
     *
     * @return the completion time, or null when there is no such dataset
     */
    public String markCompleted(String datasetId, String tenant) {
        return redis.eval(COMPLETE_SCRIPT, ScriptOutputType.VALUE,
                new String[] {key(datasetId), unfinished.key(), inFlightKey(tenant)},
                String.valueOf(ttl.toMillis()), Instant.now().toString(), datasetId);
    }

    /**
     * The datasets counted to zero and not finished: one stays there when it was counted to its end where
     * nothing finishes it (the gateway, counting images it could not send) or by a service that stopped
     * before finishing it, and the grounding service's sweep finishes it.
     */
    public UnfinishedSet unfinished() {
        return unfinished;
    }

    /** The dataset webhook's delivery status (pending, delivered, gone, exhausted, refused). */
    public void recordWebhookStatus(String datasetId, String status) {
        redis.eval(JobStore.UPDATE_SCRIPT, ScriptOutputType.INTEGER, new String[] {key(datasetId)},
                String.valueOf(ttl.toMillis()), "webhook", status);
    }
}
