package io.brushline.gateway;

import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;

/**
 * A circuit breaker on the job queue for the sends that account for work cut short: the failures
 * {@link FailureOutbox} sends to {@code edit-failed} and the {@code not_submitted} records of a dataset
 * cut short ({@link DatasetService}). Once one such send fails, the next ones fail at once, without
 * trying Kafka, until one is tried again {@code brushline.gateway.resend-failures-every} later. When
 * the broker is down each try waits for its timeout (10 s), so without this a submission cut short
 * with a thousand items left would answer in hours, not seconds.
 *
 * <p>One breaker for both, since their topics are on the same Kafka: a refusal on one says the queue is
 * down for the other as well. Only these sends go through it: a plain submission still tries the
 * queue itself and answers 503 when it cannot reach it.
 */
@ApplicationScoped
public class QueueBreaker {

    private final Guard breaker;

    public QueueBreaker(GatewayConfig config) {
        this.breaker = Guard.create()
                .withCircuitBreaker()
                .requestVolumeThreshold(1)
                .failureRatio(1)
                .delay(config.resendFailuresEvery().toMillis(), ChronoUnit.MILLIS)
                .done()
                .build();
    }

    /**
     * Runs the send unless the breaker is open (a send failed within the last
     * {@code resend-failures-every}); then it throws {@code CircuitBreakerOpenException} without running it.
     * A send that throws opens the breaker, and its exception is rethrown.
     */
    public void send(Runnable send) {
        breaker.get(() -> {
            send.run();
            return null;
        }, Void.class);
    }
}
