package io.brushline.common.state;

import java.util.List;
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
     * @param unfinished the ids listed as unfinished for longer than the grace
     */
    public static void finishEach(String kind, List<String> unfinished, Predicate<String> exists,
            Consumer<String> forget, Consumer<String> finish) {
        for (String id : unfinished) {
            if (!exists.test(id)) {
                forget.accept(id);
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
