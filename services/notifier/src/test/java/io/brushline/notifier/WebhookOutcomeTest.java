package io.brushline.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.BrushlineConfig;
import io.brushline.common.net.OutboundUrlPolicy;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.observability.StageMetrics;
import io.brushline.common.state.BatchStore;
import io.brushline.common.state.DatasetStore;
import io.brushline.common.state.JobStore;
import io.brushline.common.testing.RedisServerExtension;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.smallrye.config.SmallRyeConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the dispatcher does with a delivery whose outcome is stored on the delivery but not yet on the
 * job, the state Redis going down between the two writes leaves behind: against a real redis-server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookOutcomeTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private RedisCommands<String, String> redis;
    private DeliveryQueue queue;
    private WebhookDispatcher dispatcher;

    @BeforeAll
    void buildTheDispatcher() throws IOException {
        redis = REDIS.client().connect().sync();
        SmallRyeConfig config = NotifierTestConfig.load();
        WebhookConfig webhooks = config.getConfigMapping(WebhookConfig.class);
        queue = new DeliveryQueue(redis, webhooks);
        BrushlineConfig common = config.getConfigMapping(BrushlineConfig.class);
        dispatcher = new WebhookDispatcher(queue, new WebhookSubjects(queue, new JobStore(redis, common),
                new BatchStore(redis, common), new DatasetStore(redis, common), new ObjectMapper()), webhooks, new OutboundUrlPolicy(List.of()), new StageMetrics(new SimpleMeterRegistry()),
                new JobTracing(OpenTelemetry.noop().getTracer("test")));
    }

    @Test
    void aFinishedDeliveryTheJobDoesNotKnowOfIsRecordedOnTheJobWithoutBeingSentAgain() {
        redis.hset("brushline:job:finished-1", Map.of("state", "COMPLETED", "webhook", "pending"));
        // Nothing listens on port 9: a second send would fail and schedule a retry.
        queue.enqueue("finished-1", "wh-1", "tenant", "http://127.0.0.1:9/hook", "{}", "");
        queue.finish("finished-1", "delivered", 1);

        dispatcher.dispatchDue();

        assertEquals("delivered", redis.hget("brushline:job:finished-1", "webhook"), "the job's webhook status");
        assertNull(redis.zscore(DeliveryQueue.DUE, "finished-1"), "the delivery is still due");
        assertEquals(Map.of("status", "delivered", "attempts", "1"),
                Map.of("status", redis.hget(DeliveryQueue.key("finished-1"), "status"),
                        "attempts", redis.hget(DeliveryQueue.key("finished-1"), "attempts")),
                "the delivery was attempted again");
    }
}
