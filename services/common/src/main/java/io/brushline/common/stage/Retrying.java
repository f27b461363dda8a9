package io.brushline.common.stage;

import io.brushline.common.BrushlineConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a step that may fail for a while (Redis restarting, object storage or Kafka briefly
 * unreachable) with exponential backoff: {@code brushline.stage.initial-backoff} doubling up to
 * {@code max-backoff}, {@code max-attempts} in all. The step must be idempotent: a retry starts it
 * from the top.
 */
@ApplicationScoped
public class Retrying {

    private static final Logger LOG = Logger.getLogger(Retrying.class);

    private final BrushlineConfig.Stage settings;

    public Retrying(BrushlineConfig config) {
        this.settings = config.stage();
    }

    /** The step's result; the last failure once the attempts are used up. */
    public <T> T run(String what, Supplier<T> step) {
        Duration backoff = settings.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return step.get();
            } catch (StageFailure failure) {
                // will not heal: retrying is pointless
                throw failure;
            } catch (RuntimeException e) {
                if (attempt >= settings.maxAttempts()) {
                    LOG.errorf("%s failed %d times, giving up: %s", what, attempt, e.toString());
                    throw e;
                }
                LOG.warnf("%s attempt %d failed (%s), retrying in %s", what, attempt, e.toString(), backoff);
                sleep(backoff);
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : doubled;
            }
        }
    }

    public void run(String what, Runnable step) {
        run(what, () -> {
            step.run();
            return null;
        });
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
