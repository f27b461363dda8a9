package io.brushline.notifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.BrushlineConfig;
import io.brushline.common.state.BatchStore;
import io.brushline.common.state.DatasetStore;
import io.brushline.common.state.JobStore;
import io.brushline.common.testing.RedisServerExtension;
import io.lettuce.core.api.sync.RedisCommands;
import io.smallrye.config.SmallRyeConfig;
import java.io.IOException;

/** The notifier's stores and webhook queue on a test redis-server, with the test configuration. */
final class NotifierParts {

    /** The webhook secret of the test configuration, to check signatures with. */
    static final String SECRET = "whsec_YnJ1c2hsaW5lLXRlc3Qtd2ViaG9vay1zZWNyZXQ=";

    final RedisCommands<String, String> redis;
    final WebhookConfig webhooks;
    final BrushlineConfig common;
    final JobStore jobs;
    final BatchStore batches;
    final DatasetStore datasets;
    final DeliveryQueue queue;
    final WebhookSubjects subjects;

    NotifierParts(RedisServerExtension redisServer, ObjectMapper json) throws IOException {
        redis = redisServer.client().connect().sync();
        SmallRyeConfig config = NotifierTestConfig.load();
        webhooks = config.getConfigMapping(WebhookConfig.class);
        common = config.getConfigMapping(BrushlineConfig.class);
        jobs = new JobStore(redis, common);
        batches = new BatchStore(redis, common);
        datasets = new DatasetStore(redis, common);
        queue = new DeliveryQueue(redis, webhooks);
        subjects = new WebhookSubjects(queue, jobs, batches, datasets, json);
    }
}
