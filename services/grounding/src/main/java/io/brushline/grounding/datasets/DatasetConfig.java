package io.brushline.grounding.datasets;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the grounding service paces dataset jobs ({@link DatasetSurveyStage}) and finishes those that nothing
 * else finishes ({@link DatasetSweep}).
 */
@ConfigMapping(prefix = "brushline.dataset")
public interface DatasetConfig {

    /** How often the sweep runs (read by its {@code @Scheduled} trigger). */
    @WithDefault("30s")
    Duration sweepEvery();

    /**
     * How long a dataset may stay counted to zero before the sweep takes it for one nobody finishes:
     * whoever counts the last event finishes it within milliseconds.
     */
    @WithDefault("1m")
    Duration unfinishedGrace();

    /**
     * Removals of one dataset queued and not yet ended, at most: the survey of a further image waits
     * until there are fewer, so that a dataset feeds the painting tier at its pace instead of queueing
     * thousands of removals ahead of everyone's edits.
     */
    @WithDefault("32")
    int maxRemovalsInFlight();

    /** How often a waiting survey looks again at its dataset's removals in flight. */
    @WithDefault("500ms")
    Duration removalsPoll();

    /**
     * How long a survey waits at most for its dataset's removals: a removal that never ends (its record
     * expired, say) must not hold the survey pool for ever, so after this the image is surveyed anyway.
     */
    @WithDefault("10m")
    Duration removalsWaitAtMost();
}
