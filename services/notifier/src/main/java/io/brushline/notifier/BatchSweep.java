package io.brushline.notifier;

import io.brushline.common.state.BatchStore;
import io.brushline.common.state.UnfinishedSweep;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * Completes the batches whose count reached zero but which nothing completed: the manifest could not
 * be written (object storage down longer than the stage's retries and the replays of the parked
 * event), or the notifier stopped between the last count and the completion with no event left to
 * redeliver. Completion is idempotent, so several notifier instances sweeping at once write the same
 * manifest and the batch still gets one webhook.
 */
@ApplicationScoped
public class BatchSweep {

    private final BatchStore batches;
    private final BatchCompletion completion;
    private final Duration grace;

    public BatchSweep(BatchStore batches, BatchCompletion completion, BatchSweepConfig config) {
        this.batches = batches;
        this.completion = completion;
        this.grace = config.unfinishedGrace();
    }

    @Scheduled(every = "${brushline.batch-sweep.every}", delayed = "${brushline.batch-sweep.every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        completeUnfinished(Instant.now().minus(grace));
    }

    /** Completes every batch found at zero before {@code reachedZeroBefore} and not completed since. */
    void completeUnfinished(Instant reachedZeroBefore) {
        UnfinishedSweep.finishEach("batch", batches.unfinished(), reachedZeroBefore,
                batchId -> !batches.get(batchId).isEmpty(), completion::complete);
    }
}
