package io.brushline.common.stage;

import io.quarkus.arc.Unremovable;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * The failure strategy of every consumer ({@code failure-strategy=dead-letter-queue-unless-stopping}):
 * SmallRye's dead-letter-queue strategy, with its settings, except for a record the service refused
 * because it is shutting down. Such a record (its {@code @Blocking} worker pool closed: a {@link
 * RejectedExecutionException}) is neither parked nor acknowledged: its offset stays uncommitted, so
 * the consumer that takes the partition over reads it again. Nothing waits for it, so the shutdown is
 * not held up. Parking it instead would leave its job running for ever unless something replays it
 * (the notifier's dead-letter replayer does, as a second line).
 */
@ApplicationScoped
@Unremovable
@Identifier(ParkUnlessStopping.STRATEGY)
public class ParkUnlessStopping implements KafkaFailureHandler.Factory {

    public static final String STRATEGY = "dead-letter-queue-unless-stopping";

    private static final Logger LOG = Logger.getLogger(ParkUnlessStopping.class);

    private final KafkaFailureHandler.Factory deadLetterQueue;

    public ParkUnlessStopping(
            @Identifier(KafkaFailureHandler.Strategy.DEAD_LETTER_QUEUE) KafkaFailureHandler.Factory deadLetterQueue) {
        this.deadLetterQueue = deadLetterQueue;
    }

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx,
            KafkaConsumer<?, ?> consumer, BiConsumer<Throwable, Boolean> reportFailure) {
        KafkaFailureHandler park = deadLetterQueue.create(config, vertx, consumer, reportFailure);
        return new KafkaFailureHandler() {
            @Override
            public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
                if (rejectedWhileStopping(reason)) {
                    LOG.infof("%s-%d@%d refused while the service stops: left uncommitted for the next consumer",
                            record.getTopic(), record.getPartition(), record.getOffset());
                    return Uni.createFrom().voidItem();
                }
                return park.handle(record, reason, metadata);
            }

            @Override
            public void terminate() {
                park.terminate();
            }
        };
    }

    /** Whether the failure is (or was caused by) a worker pool that no longer takes work. */
    static boolean rejectedWhileStopping(Throwable reason) {
        for (Throwable t = reason; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RejectedExecutionException) {
                return true;
            }
        }
        return false;
    }
}
