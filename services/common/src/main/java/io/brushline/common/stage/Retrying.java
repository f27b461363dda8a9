package io.brushline.common.stage;

import io.brushline.common.BrushlineConfig;
import io.brushline.common.storage.MissingObjectException;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a step that may fail for a while (Redis restarting, object storage or Kafka briefly
 * unreachable) with exponential backoff, through SmallRye Fault Tolerance: {@code
 * brushline.stage.initial-backoff} doubling up to {@code max-backoff}, at most {@code max-attempts}
 * in all and no new attempt once {@code max-retry-duration} has passed since the first, so that a
 * record's worst case stays below the consumer's unprocessed-record limit. Failures that will not heal
 * ({@link StageFailure}, an object that does not exist) are not retried. The step must be idempotent:
 * a retry starts it from the top.
 */
@ApplicationScoped
public class Retrying {

    private static final Logger LOG = Logger.getLogger(Retrying.class);

    private final Guard guard;

    public Retrying(BrushlineConfig config) {
        var settings = config.stage();
        this.guard = Guard.create()
                .withRetry()
                .maxRetries(settings.maxAttempts() - 1)
                .delay(settings.initialBackoff().toMillis(), ChronoUnit.MILLIS)
                .maxDuration(settings.maxRetryDuration().toMillis(), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .retryOn(RuntimeException.class)
                .abortOn(List.of(StageFailure.class, MissingObjectException.class))
                .beforeRetry(e -> LOG.warnf("retrying after %s", e.toString()))
                .withExponentialBackoff().factor(2).maxDelay(settings.maxBackoff().toMillis(), ChronoUnit.MILLIS)
                .done()
                .done()
                .build();
    }

    /** The step's result; the last failure once the attempts or the time are used up. */
    @SuppressWarnings("unchecked")
    public <T> T run(String what, Supplier<T> step) {
        try {
            return (T) guard.get(step::get, Object.class);
        } catch (RuntimeException e) {
            if (!(e instanceof StageFailure)) {
                LOG.errorf("%s failed, giving up: %s", what, e.toString());
            }
            throw e;
        }
    }

    public void run(String what, Runnable step) {
        run(what, () -> {
            step.run();
            return null;
        });
    }
}
