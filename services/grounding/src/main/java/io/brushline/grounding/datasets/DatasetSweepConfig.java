package io.brushline.grounding.datasets;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the grounding service finishes datasets that nothing else finishes ({@link DatasetSweep}). */
@ConfigMapping(prefix = "brushline.dataset")
public interface DatasetSweepConfig {

    /** How often the sweep runs (read by its {@code @Scheduled} trigger). */
    @WithDefault("30s")
    Duration sweepEvery();

    /**
     * How long a dataset may stay counted to zero before the sweep takes it for one nobody finishes:
     * whoever counts the last event finishes it within milliseconds.
     */
    @WithDefault("1m")
    Duration unfinishedGrace();
}
