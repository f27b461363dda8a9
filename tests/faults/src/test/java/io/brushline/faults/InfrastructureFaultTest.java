package io.brushline.faults;

import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The servers the services depend on go away mid-run and come back: the Kafka broker restarts,
 * Redis restarts (its append-only file keeps the job state), the object store is out for fifteen
 * seconds. Stages retry with backoff and then proceed; the gateway answers 503 meanwhile and the
 * client's retry with the same Idempotency-Key finishes the submission.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InfrastructureFaultTest {

    private static final long BROKER_DOWN_MILLIS = 3000;
    private static final long REDIS_DOWN_MILLIS = 3000;
    /** Well inside the stages' retry budget (10 attempts, 0.2 s doubling to 10 s: about 40 s). */
    private static final long STORAGE_OUTAGE_MILLIS = 15_000;
    /**
     * A webhook answered while Redis is down cannot be recorded as delivered; its lease runs out and
     * it is sent again with the same webhook-id. At most one per concurrent delivery slot.
     */
    private static final long NOTIFIER_CONCURRENCY = 16;

    /** Closed by JUnit once every test of the class has run. */
    @AutoClose
    private FaultStack system;

    @BeforeAll
    void start() throws Exception {
        system = FaultStack.start("infrastructure", Map.of());
    }

    @Test
    @Order(1)
    void brokerRestartMidRun() throws Exception {
        new FaultRun(system, "Kafka broker restart").jobs(runSize()).faultAt(0.3)
                .run(() -> system.outage("kafka", BROKER_DOWN_MILLIS)).print()
                .assertFaultHitTheRun()
                .assertEveryJobSucceededWithOneResult()
                .assertEveryWebhookAcceptedOnce(0);
    }

    @Test
    @Order(2)
    void redisRestartMidRun() throws Exception {
        new FaultRun(system, "Redis restart").jobs(runSize()).faultAt(0.3)
                .run(() -> system.outage("redis", REDIS_DOWN_MILLIS)).print()
                .assertFaultHitTheRun()
                .assertEveryJobSucceededWithOneResult()
                .assertEveryWebhookAcceptedOnce(NOTIFIER_CONCURRENCY);
    }

    @Test
    @Order(3)
    void objectStoreOutageMidRun() throws Exception {
        new FaultRun(system, "object store outage").jobs(runSize()).faultAt(0.3)
                .run(() -> system.outage("s3", STORAGE_OUTAGE_MILLIS)).print()
                .assertFaultHitTheRun()
                .assertEveryJobSucceededWithOneResult()
                .assertEveryWebhookAcceptedOnce(0);
    }

    /**
     * The same outage once every submission is in: only the stages meet it, so their retries are
     * tested even where the gateway's answer to an outage is wrong. Submitted faster than the
     * pipeline drains, so that a backlog is in the stages when the store goes away.
     */
    @Test
    @Order(4)
    void objectStoreOutageWhileJobsAreInTheStages() throws Exception {
        new FaultRun(system, "object store outage after the last submission").jobs(runSize() / 2).perSecond(40)
                .faultAt(2)
                .run(() -> system.outage("s3", STORAGE_OUTAGE_MILLIS)).print()
                .assertEveryJobSucceededWithOneResult()
                .assertEveryWebhookAcceptedOnce(0);
    }

    /** Half the configured run per fault: three faults on one stack within the CI budget. */
    private static int runSize() {
        return Math.max(200, FaultRun.jobsPerRun() / 2);
    }
}
