package io.brushline.common.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.BrushlineConfig;
import io.brushline.common.storage.MissingObjectException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryingTest {

    /** Many attempts allowed, but only 400 ms of retrying: the time bound is what ends it. */
    private final Retrying retrying = new Retrying(config(1000, Duration.ofMillis(20), Duration.ofMillis(80),
            Duration.ofMillis(400)));

    @Test
    void retriesWhatMayHealUntilItDoes() {
        AtomicInteger calls = new AtomicInteger();
        String result = retrying.run("step", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("connection reset");
            }
            return "done";
        });
        assertEquals("done", result);
        assertEquals(3, calls.get());
    }

    @Test
    void noRetryStartsAfterTheMaximumDuration() {
        AtomicInteger calls = new AtomicInteger();
        long started = System.nanoTime();
        assertThrows(IllegalStateException.class, () -> retrying.run("step", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("still down");
        }));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMillis >= 300 && tookMillis < 2000, "gave up after " + tookMillis + " ms");
        assertTrue(calls.get() > 2 && calls.get() < 1000, calls + " attempts");
    }

    @Test
    void failuresThatWillNotHealAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThrows(StageFailure.class, () -> retrying.run("step", () -> {
            calls.incrementAndGet();
            throw new StageFailure(FailureCodes.INVALID_IMAGE, "not an image");
        }));
        assertThrows(MissingObjectException.class, () -> retrying.run("step", () -> {
            calls.incrementAndGet();
            throw new MissingObjectException("no such key", null);
        }));
        assertEquals(2, calls.get());
    }

    private static BrushlineConfig config(int attempts, Duration initial, Duration max, Duration total) {
        BrushlineConfig.Stage stage = new BrushlineConfig.Stage() {
            @Override
            public int maxAttempts() {
                return attempts;
            }

            @Override
            public Duration initialBackoff() {
                return initial;
            }

            @Override
            public Duration maxBackoff() {
                return max;
            }

            @Override
            public Duration maxRetryDuration() {
                return total;
            }
        };
        // Only the stage settings matter here.
        return (BrushlineConfig) Proxy.newProxyInstance(BrushlineConfig.class.getClassLoader(),
                new Class<?>[] {BrushlineConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("stage")) {
                        return stage;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
