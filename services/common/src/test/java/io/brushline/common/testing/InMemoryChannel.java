package io.brushline.common.testing;

import io.smallrye.reactive.messaging.MutinyEmitter;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * An outgoing channel for a unit test of one processor: {@code sendMessageAndAwait} hands the message
 * to {@code onSend} (which may throw, as an unreachable broker would); any other call fails, so a test
 * notices when the code under test starts using the channel differently.
 */
public final class InMemoryChannel {

    private InMemoryChannel() {
    }

    @SuppressWarnings("unchecked")
    public static <T> MutinyEmitter<T> of(Consumer<Message<T>> onSend) {
        return (MutinyEmitter<T>) Proxy.newProxyInstance(MutinyEmitter.class.getClassLoader(),
                new Class<?>[] {MutinyEmitter.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("sendMessageAndAwait")) {
                        throw new UnsupportedOperationException(method.getName() + " is not used in this test");
                    }
                    onSend.accept((Message<T>) args[0]);
                    return null;
                });
    }
}
