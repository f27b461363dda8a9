package io.brushline.grounding.datasets;

import io.brushline.common.state.DatasetStore;
import io.brushline.common.state.UnfinishedSweep;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * Finishes the datasets whose count reached zero where nothing finishes them: the gateway counting the
 * images of a submission cut short while Kafka was down, or a service stopped between the last count and
 * the finish with no event left to redeliver. Whoever counts the last event finishes the dataset within
 * milliseconds, so a dataset still unfinished {@code brushline.dataset.unfinished-grace} (a minute) after
 * reaching zero is one of these. Finishing is
 * idempotent, so several grounding instances sweeping at once write the same files and the notifier still
 * sends one webhook.
 */
@ApplicationScoped
public class DatasetSweep {

    private final DatasetStore datasets;
    private final DatasetFinisher finisher;
    private final Duration grace;

    public DatasetSweep(DatasetStore datasets, DatasetFinisher finisher, DatasetConfig config) {
        this.datasets = datasets;
        this.finisher = finisher;
        this.grace = config.unfinishedGrace();
    }

    @Scheduled(every = "${brushline.dataset.sweep-every}", delayed = "${brushline.dataset.sweep-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        finishUnfinished(Instant.now().minus(grace));
    }

    /** Finishes every dataset found at zero before {@code reachedZeroBefore} and not completed since. */
    private void finishUnfinished(Instant reachedZeroBefore) {
        UnfinishedSweep.finishEach("dataset", datasets.unfinished(), reachedZeroBefore,
                datasetId -> !datasets.get(datasetId).isEmpty(), finisher::finish);
    }
}
