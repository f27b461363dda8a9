package io.brushline.inpainting;

import io.brushline.common.stage.StageFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.opencv.core.Mat;

/**
 * Gathers compatible requests (same painter, same {@link Painter#batchKey}) from the consumer threads
 * into batches: a batch runs when it is full or when its first request has waited {@code maxWait}.
 * Batches run one at a time on a single thread, since they share one accelerator: even with
 * batching off ({@code maxSize} 1) a model's sampling loops never run two at once. A caller blocks
 * until its own result is ready; requests a painter cannot batch (the classical fills, which need no
 * accelerator) are painted on the caller's thread. A batch that fails fails each of its jobs; one that
 * runs out of memory fails them with {@link #OUT_OF_MEMORY}, so that no job is left waiting.
 *
 * <p>Batches waiting for the accelerator run edits first: a batch with a job of the {@link Lane#EDITS}
 * lane goes ahead of the {@link Lane#BULK} ones queued before it (a dataset's removals), which keep
 * their order among themselves.
 */
public final class PaintBatcher implements AutoCloseable {

    /** The failure code of the jobs of a batch that ran out of (accelerator) memory. */
    public static final String OUT_OF_MEMORY = "gpu_out_of_memory";

    /** Whose job it is: a client's edit, or bulk work (a dataset's removals) that gives way to edits. */
    public enum Lane {
        EDITS, BULK
    }

    private record Pending(PaintRequest request, Lane lane, CompletableFuture<Mat> result) {
    }

    /** A batch handed to the accelerator: edits before bulk, then in the order they were handed over. */
    private record Queued(Lane lane, long order, Runnable batch) implements Runnable, Comparable<Queued> {

        @Override
        public void run() {
            batch.run();
        }

        @Override
        public int compareTo(Queued other) {
            int byLane = lane.compareTo(other.lane);
            return byLane != 0 ? byLane : Long.compare(order, other.order);
        }
    }

    private record GroupKey(Painter painter, Object key) {
    }

    /** Told of every painter run: how many jobs it painted and how long it held the painter. */
    @FunctionalInterface
    public interface RunListener {
        void ran(int jobs, long nanos);
    }

    private final int maxSize;
    private final Duration maxWait;
    private final Map<GroupKey, List<Pending>> open = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            daemon("paint-batch-timer"));
    private final ExecutorService accelerator = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new PriorityBlockingQueue<>(), daemon("paint-batch"));
    private final AtomicLong handedOver = new AtomicLong();
    private final RunListener listener;
    /** Set by {@link #close()}: from then on jobs are painted on their caller's thread. */
    private volatile boolean closing;
    /** Held while a model paints: the accelerator thread, or a caller once {@link #close()} has begun. */
    private final Object device = new Object();

    /**
     * The longest {@link #close()} waits for batches already gathered; in Kubernetes the pod's
     * termination grace period is the real bound.
     */
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(10);

    public PaintBatcher(int maxSize, Duration maxWait) {
        this(maxSize, maxWait, (jobs, nanos) -> { });
    }

    public PaintBatcher(int maxSize, Duration maxWait, RunListener listener) {
        this.maxSize = maxSize;
        this.maxWait = maxWait;
        this.listener = listener;
    }

    /** Paints a client's edit. */
    public Mat paint(Painter painter, PaintRequest request) {
        return paint(painter, request, Lane.EDITS);
    }

    public Mat paint(Painter painter, PaintRequest request, Lane lane) {
        Optional<Object> key = painter.batchKey(request);
        if (key.isEmpty()) {
            return timed(() -> painter.paint(request));
        }
        if (closing) {
            // Still one sampling loop at a time on the device, alongside the batches close() drains.
            synchronized (device) {
                return timed(() -> painter.paint(request));
            }
        }
        GroupKey group = new GroupKey(painter, key.get());
        Pending pending = new Pending(request, lane, new CompletableFuture<>());
        synchronized (open) {
            List<Pending> batch = open.computeIfAbsent(group, g -> new ArrayList<>());
            batch.add(pending);
            if (batch.size() == 1) {
                timer.schedule(() -> dispatch(group, batch), maxWait.toNanos(), TimeUnit.NANOSECONDS);
            }
            if (batch.size() >= maxSize) {
                dispatch(group, batch);
            }
        }
        try {
            return pending.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    private Mat timed(Supplier<Mat> paint) {
        long started = System.nanoTime();
        Mat painted = paint.get();
        listener.ran(1, System.nanoTime() - started);
        return painted;
    }

    /** Closes the batch (if the timer or the size limit has not already) and queues it to run. */
    private void dispatch(GroupKey group, List<Pending> batch) {
        synchronized (open) {
            // The timer and the size limit may both try; the batch runs once.
            if (open.get(group) != batch) {
                return;
            }
            open.remove(group);
        }
        Lane lane = batch.stream().anyMatch(p -> p.lane() == Lane.EDITS) ? Lane.EDITS : Lane.BULK;
        accelerator.execute(new Queued(lane, handedOver.incrementAndGet(), () -> {
            try {
                List<Mat> painted;
                synchronized (device) {
                    long started = System.nanoTime();
                    painted = group.painter().paintAll(batch.stream().map(Pending::request).toList());
                    listener.ran(batch.size(), System.nanoTime() - started);
                }
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(painted.get(i));
                }
            } catch (RuntimeException | Error e) {
                Throwable failure = outOfMemory(e) ? new StageFailure(OUT_OF_MEMORY, "painting ran out of memory on a"
                        + " batch of " + batch.size() + (batch.size() == 1 ? " image" : " images")
                        + "; try again, and if it keeps failing, paint smaller images or fewer at a time") : e;
                batch.forEach(p -> p.result().completeExceptionally(failure));
            }
        }));
    }

    /** Java's heap, or the accelerator's memory as libtorch reports it ("CUDA out of memory"). */
    private static boolean outOfMemory(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError
                    || t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("out of memory")) {
                return true;
            }
        }
        return false;
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Drains on shutdown: batches still gathering run at once, and close returns when every batch
     * handed to the accelerator has been painted and its callers have their results, so that their
     * jobs complete and their offsets are committed instead of being painted again by another pod.
     */
    @Override
    public void close() {
        List<Map.Entry<GroupKey, List<Pending>>> gathering;
        synchronized (open) {
            closing = true;
            gathering = new ArrayList<>(open.entrySet());
        }
        gathering.forEach(batch -> dispatch(batch.getKey(), batch.getValue()));
        timer.shutdownNow();
        accelerator.shutdown();
        try {
            if (!accelerator.awaitTermination(DRAIN_LIMIT.toNanos(), TimeUnit.NANOSECONDS)) {
                accelerator.shutdownNow();
            }
        } catch (InterruptedException e) {
            accelerator.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
