package io.brushline.common.state;

import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The loop of the sweeps that finish what counted its last event but was never finished (batches in
 * the notifier, datasets in the grounding service): each one listed whose record still exists is
 * finished, the others are forgotten. A finish that fails is logged and stays listed for the next
 * sweep, so that one that cannot be finished yet does not hold up the others.
 */
public final class UnfinishedSweep {

    private static final Logger LOG = Logger.getLogger(UnfinishedSweep.class);

    private UnfinishedSweep() {
    }

    /**
     * @param kind what is finished ("batch", "dataset"), for the log
     * @param reachedZeroBefore the end of the grace: those counted to zero later may still be finishing
     */
    public static void finishEach(String kind, UnfinishedSet unfinished, Instant reachedZeroBefore,
            Predicate<String> exists, Consumer<String> finish) {
        for (String id : unfinished.since(reachedZeroBefore)) {
            if (!exists.test(id)) {
                unfinished.forget(id);
                continue;
            }
            LOG.infof("%s %s has counted its last event but was not finished; finishing it", kind, id);
            try {
                finish.accept(id);
            } catch (RuntimeException e) {
                LOG.warnf("%s %s could not be finished yet, the next sweep tries again: %s", kind, id, e.getMessage());
            }
        }
    }
}
