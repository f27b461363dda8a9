package io.brushline.notifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How records parked on {@code edit-dead-letter} are put back (documented in the README and docs/faults.md). */
@ConfigMapping(prefix = "brushline.dead-letter")
public interface DeadLetterConfig {

    /** Replays of one record before its job, still running, is failed with {@code internal_error}. */
    @WithDefault("3")
    int maxReplays();

    /**
     * Time from a record's parking to its first replay, doubled for each further replay (2, 4, 8 s
     * with the default), so that a service that was shutting down has had time to come back.
     */
    @WithDefault("PT2S")
    Duration replayDelay();
}
