package io.brushline.common.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.BrushlineConfig;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.ImageRef;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.observability.StageMetrics;
import io.brushline.common.state.JobState;
import io.brushline.common.state.JobStore;
import io.brushline.common.testing.InMemoryChannel;
import io.brushline.common.testing.RedisServerExtension;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One stage between two in-memory channels, against a real redis-server: what a hand-off writes and
 * how many Redis round trips it costs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StageProcessorTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    private final BrushlineConfig config = config();
    private RedisCommands<String, String> redis;
    private JobStore jobs;
    private final List<EditJob> sentOn = new ArrayList<>();
    private final List<EditJob> failed = new ArrayList<>();
    private final List<String> parked = new ArrayList<>();
    private final AtomicLong roundTrips = new AtomicLong();

    /** The grounding step as a stage: adds nothing but its timings. */
    private class Grounding extends StageProcessor {
        private final boolean last;

        Grounding(boolean last) {
            super("ground", JobState.GROUNDING);
            this.last = last;
        }

        @Override
        protected MutinyEmitter<EditJob> next() {
            return collecting(sentOn);
        }

        @Override
        protected EditJob process(EditJob job) {
            return job;
        }

        @Override
        protected boolean completesJob() {
            return last;
        }
    }

    @BeforeAll
    void connect() {
        redis = REDIS.client().connect().sync();
        jobs = new JobStore(counting(redis), config);
    }

    @BeforeEach
    void clear() {
        redis.flushall();
        sentOn.clear();
        failed.clear();
        parked.clear();
    }

    @Test
    void aHandOffIsOneRedisRoundTripThatAlsoRecordsWhatTheEarlierStageDecided() throws Exception {
        EditJob classified = submitted("job-1")
                .withClassification(new Classification(Category.REMOVE, "dog", null, null, null, "rules"))
                .withStageTimes("classify", 7, 3);
        assertEquals(1, roundTripsToHandle(classified, false), "Redis round trips for one hand-off");
        Map<String, String> stored = redis.hgetall("brushline:job:job-1");
        assertEquals("GROUNDING", stored.get("state"));
        assertEquals("REMOVE", stored.get("category"));
        assertEquals("dog", stored.get("object"));
        assertEquals("7", stored.get("ms.classify"));
        assertEquals("3", stored.get("io.classify"));
        assertEquals(1, sentOn.size(), "messages sent on");
        assertTrue(sentOn.get(0).stageMillis().containsKey("ground"), "the stage's own engine time travels on");
        assertTrue(sentOn.get(0).storageMillis().containsKey("ground"), "the stage's own storage time travels on");
    }

    @Test
    void theLastStageRecordsItsOwnResultWithTheSucceededTransition() throws Exception {
        EditJob classified = submitted("job-2").withStageTimes("classify", 5, 1);

        assertEquals(2, roundTripsToHandle(classified, true), "Redis round trips: the stage's start and the job's end");
        Map<String, String> stored = redis.hgetall("brushline:job:job-2");
        assertEquals("SUCCEEDED", stored.get("state"));
        assertEquals("5", stored.get("ms.classify"));
        assertTrue(stored.containsKey("ms.ground"), "the last stage's own time: " + stored);
    }

    @Test
    void aRecordNamingNoJobIsParkedWithoutTouchingRedisData() throws Exception {
        EditJob unknown = new EditJob(EditJob.SCHEMA_VERSION, "job-unknown", "default", 1, null,
                "2026-01-01T00:00:00Z", "remove the dog", new ImageRef("k", "image/png", 8, 8), null, null, null,
                null, null, null, null, null);

        stage(false).handle(record(unknown));

        assertEquals(List.of("no job with id job-unknown"), parked);
        assertEquals(0, redis.exists("brushline:job:job-unknown"), "the job was created by the write");
        assertTrue(sentOn.isEmpty(), "sent on: " + sentOn);
    }

    @Test
    void aFailedJobKeepsWhatEarlierStagesDecided() throws Exception {
        EditJob classified = submitted("job-3")
                .withClassification(new Classification(Category.REMOVE, "dog", null, null, null, "rules"))
                .withStageTimes("classify", 4, 2);
        StageProcessor refusing = new Grounding(false) {
            @Override
            protected EditJob process(EditJob job) {
                throw new StageFailure(FailureCodes.OBJECT_NOT_FOUND, "no dog in the image");
            }
        };
        wire(refusing);

        refusing.handle(record(classified));

        Map<String, String> stored = redis.hgetall("brushline:job:job-3");
        assertEquals("FAILED", stored.get("state"));
        assertEquals("no dog in the image", stored.get("reason"));
        assertEquals("REMOVE", stored.get("category"));
        assertEquals("4", stored.get("ms.classify"));
        assertEquals(1, failed.size(), "failure events");
        assertNull(stored.get("ms.ground"), "a failed stage has no engine time");
    }

    private EditJob submitted(String id) {
        EditJob job = new EditJob(EditJob.SCHEMA_VERSION, id, "default", 1, null, "2026-01-01T00:00:00Z",
                "remove the dog", new ImageRef("sources/" + id, "image/png", 8, 8), null, null, null, null, null,
                null, null, null);
        jobs.create(job);
        jobs.advance(id, JobState.CLASSIFYING);
        return job;
    }

    private StageProcessor stage(boolean last) {
        return wire(new Grounding(last));
    }

    private StageProcessor wire(StageProcessor stage) {
        stage.jobs = jobs;
        stage.failed = collecting(failed);
        stage.retrying = new Retrying(config);
        stage.metrics = new StageMetrics(new SimpleMeterRegistry());
        stage.tracing = new JobTracing(OpenTelemetry.noop().getTracer("test"));
        stage.incoming = new IncomingRecords(json, jobs, parking());
        return stage;
    }

    private ConsumerRecord<String, String> record(EditJob job) throws Exception {
        return new ConsumerRecord<>("edit-classified", 0, 0, job.jobId(), json.writeValueAsString(job));
    }

    /** Round trips to Redis while a stage handled the job's record: every call of the synchronous API is one. */
    private long roundTripsToHandle(EditJob job, boolean lastStage) throws Exception {
        ConsumerRecord<String, String> record = record(job);
        StageProcessor stage = stage(lastStage);
        long before = roundTrips.get();
        stage.handle(record);
        return roundTrips.get() - before;
    }

    @SuppressWarnings("unchecked")
    private RedisCommands<String, String> counting(RedisCommands<String, String> commands) {
        return (RedisCommands<String, String>) Proxy.newProxyInstance(RedisCommands.class.getClassLoader(),
                new Class<?>[] {RedisCommands.class}, (proxy, method, args) -> {
                    roundTrips.incrementAndGet();
                    try {
                        return method.invoke(commands, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Jobs kept a day; one attempt per record, so a failure shows at once. */
    private static BrushlineConfig config() {
        Map<String, Object> settings = Map.of("jobTtl", Duration.ofDays(1), "maxAttempts", 1,
                "initialBackoff", Duration.ofMillis(10), "maxBackoff", Duration.ofMillis(20),
                "maxRetryDuration", Duration.ofMillis(100));
        Object section = Proxy.newProxyInstance(BrushlineConfig.class.getClassLoader(),
                new Class<?>[] {BrushlineConfig.Redis.class, BrushlineConfig.Stage.class},
                (proxy, method, args) -> settings.get(method.getName()));
        return (BrushlineConfig) Proxy.newProxyInstance(BrushlineConfig.class.getClassLoader(),
                new Class<?>[] {BrushlineConfig.class}, (proxy, method, args) -> section);
    }

    /** An in-memory channel: what is sent lands in {@code sink}. */
    private static MutinyEmitter<EditJob> collecting(List<EditJob> sink) {
        return InMemoryChannel.of(message -> sink.add((EditJob) message.getPayload()));
    }

    /** The dead-letter channel: keeps the reason each record was parked for. */
    private MutinyEmitter<String> parking() {
        return InMemoryChannel.of(message -> message.getMetadata(OutgoingKafkaRecordMetadata.class).ifPresent(metadata ->
                parked.add(new String(metadata.getHeaders().lastHeader("dead-letter-reason").value(),
                        StandardCharsets.UTF_8))));
    }

}
