package io.brushline.notifier;

import io.brushline.common.testing.InMemoryChannel;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An emitter for tests that build the notifier's beans by hand: it keeps what is sent instead of sending it. */
final class SentRecords<T> {

    /** A record as the emitter was given it: its Kafka key (null when none) and value. */
    record Sent<T>(String key, T value) {
    }

    final List<Sent<T>> sent = new CopyOnWriteArrayList<>();
    final MutinyEmitter<T> emitter;

    SentRecords() {
        emitter = InMemoryChannel.of(message -> sent.add(new Sent<>(message.getMetadata(
                OutgoingKafkaRecordMetadata.class).map(metadata -> (String) metadata.getKey()).orElse(null),
                message.getPayload())));
    }

    /** An emitter that fails the test if anything is sent through it. */
    @SuppressWarnings("unchecked")
    static <T> MutinyEmitter<T> refusing(String what) {
        return (MutinyEmitter<T>) Proxy.newProxyInstance(SentRecords.class.getClassLoader(),
                new Class<?>[] {MutinyEmitter.class}, (proxy, method, args) -> {
                    throw new AssertionError(what);
                });
    }
}
