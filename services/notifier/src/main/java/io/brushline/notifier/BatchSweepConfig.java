package io.brushline.notifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** When the notifier completes batches that counted their last item but were not completed (docs/batches.md). */
@ConfigMapping(prefix = "brushline.batch-sweep")
public interface BatchSweepConfig {

    /** How often the sweep runs (read by its {@code @Scheduled} trigger). */
    @WithDefault("30s")
    Duration every();

    /**
     * How long after its last item was counted a batch must still be uncompleted before the sweep
     * completes it; the notifier that counts the last item completes it within milliseconds.
     */
    @WithDefault("1m")
    Duration unfinishedGrace();
}
