package io.brushline.notifier;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.reactive.messaging.Message;

/** An emitter for tests that build the notifier's beans by hand: it keeps what is sent instead of sending it. */
final class SentRecords<T> {

    /** A record as the emitter was given it: its Kafka key (null when none) and value. */
    record Sent<T>(String key, T value) {
    }

    final List<Sent<T>> sent = new CopyOnWriteArrayList<>();
    final MutinyEmitter<T> emitter;

    @SuppressWarnings("unchecked")
    SentRecords() {
        emitter = (MutinyEmitter<T>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MutinyEmitter.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("sendMessageAndAwait")) {
                        throw new UnsupportedOperationException(method.getName() + " is not used by the notifier");
                    }
                    Message<T> message = (Message<T>) args[0];
                    String key = message.getMetadata(OutgoingKafkaRecordMetadata.class)
                            .map(metadata -> (String) metadata.getKey()).orElse(null);
                    sent.add(new Sent<>(key, message.getPayload()));
                    return null;
                });
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
