package io.brushline.common.imaging;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.opencv.core.Mat;

/**
 * The OpenCV matrices of one job or one call, released together when the scope closes. A matrix's
 * native memory is freed only when it is released or when the collector finalises the Java object,
 * and the collector does not see that memory: a service that leaves its temporaries to finalisation
 * grows to gigabytes. Open a scope with try-with-resources, {@link #add} every matrix made in it
 * (views from {@code submat} too), and {@link #keep} the one handed to the caller.
 *
 * <p>Not thread-safe: a scope belongs to the thread running the job.
 */
public final class MatScope implements AutoCloseable {

    private static final AtomicLong ADDED = new AtomicLong();
    private static final AtomicLong RELEASED = new AtomicLong();

    private final Deque<Mat> owned = new ArrayDeque<>();

    /**
     * Takes ownership of {@code mat}: it is released when the scope closes, unless kept. Adding a matrix
     * the scope already owns changes nothing (an operation may return its input unchanged).
     */
    public <M extends Mat> M add(M mat) {
        if (!owned.contains(mat)) {
            owned.push(mat);
            ADDED.incrementAndGet();
        }
        return mat;
    }

    /** A new empty matrix owned by the scope, for OpenCV calls that write into a destination. */
    public Mat mat() {
        return add(new Mat());
    }

    /**
     * The matrix {@code source} makes, made on the first {@code get} only (a decode the job may not
     * need) and owned by the scope.
     */
    public Supplier<Mat> once(Supplier<Mat> source) {
        return new Supplier<>() {
            private Mat made;

            @Override
            public Mat get() {
                if (made == null) {
                    made = add(source.get());
                }
                return made;
            }
        };
    }

    /** Hands {@code mat} out of the scope: the caller releases it. */
    public <M extends Mat> M keep(M mat) {
        if (owned.removeFirstOccurrence(mat)) {
            ADDED.decrementAndGet();
        }
        return mat;
    }

    /** Releases every matrix still owned, the newest first; releasing twice is harmless. */
    @Override
    public void close() {
        while (!owned.isEmpty()) {
            owned.pop().release();
            RELEASED.incrementAndGet();
        }
    }

    /**
     * Matrices added to scopes and not kept, and matrices released by closing scopes. A test takes
     * {@link #counts()} before and after a job path: a path whose scopes all closed has released what it
     * added.
     */
    public record Counts(long added, long released) {

        /** What was added and released since {@code earlier}. */
        public Counts since(Counts earlier) {
            return new Counts(added - earlier.added, released - earlier.released);
        }
    }

    /** The counts in this process so far. */
    public static Counts counts() {
        return new Counts(ADDED.get(), RELEASED.get());
    }
}
