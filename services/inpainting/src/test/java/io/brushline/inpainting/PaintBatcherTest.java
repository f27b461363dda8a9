package io.brushline.inpainting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.messages.Category;
import io.brushline.common.stage.StageFailure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class PaintBatcherTest {

    static {
        io.brushline.common.imaging.ImageCodec.init();
    }

    /** Batches by image width; paints each image with its seed as colour; records the batch sizes. */
    private static class RecordingPainter implements Painter {
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Optional<Object> batchKey(PaintRequest request) {
            return Optional.of(request.image().cols());
        }

        @Override
        public Mat paint(PaintRequest request) {
            return paintAll(List.of(request)).get(0);
        }

        @Override
        public List<Mat> paintAll(List<PaintRequest> requests) {
            batchSizes.add(requests.size());
            if (requests.stream().anyMatch(r -> r.seed() < 0)) {
                throw new IllegalStateException("bad seed in batch");
            }
            return requests.stream()
                    .map(r -> new Mat(r.image().size(), CvType.CV_8UC3, new Scalar(r.seed())))
                    .toList();
        }
    }

    private static PaintRequest request(int width, long seed) {
        Mat image = new Mat(4, width, CvType.CV_8UC3, new Scalar(0));
        return new PaintRequest(image, new Mat(4, width, CvType.CV_8UC1, new Scalar(255)), Category.LOCAL, null,
                "p", null, seed, null);
    }

    @Test
    void concurrentCompatibleJobsShareBatchesAndEachGetsItsOwnResult() throws Exception {
        var painter = new RecordingPainter();
        List<Integer> reported = new CopyOnWriteArrayList<>();
        ExecutorService consumers = Executors.newFixedThreadPool(8);
        try (var batcher = new PaintBatcher(4, Duration.ofMillis(300), (jobs, nanos) -> reported.add(jobs))) {
            List<Future<Mat>> results = IntStream.range(0, 8)
                    .mapToObj(i -> consumers.submit(() -> batcher.paint(painter, request(i % 2 == 0 ? 8 : 16, i))))
                    .toList();
            for (int i = 0; i < results.size(); i++) {
                Mat painted = results.get(i).get();
                assertEquals(i, painted.get(0, 0)[0], "job " + i + " got its own result");
                assertEquals(i % 2 == 0 ? 8 : 16, painted.cols());
            }
        } finally {
            consumers.shutdownNow();
        }
        assertEquals(8, painter.batchSizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(painter.batchSizes.stream().allMatch(size -> size <= 4), painter.batchSizes.toString());
        assertTrue(painter.batchSizes.size() < 8, "some jobs were batched: " + painter.batchSizes);
        assertEquals(painter.batchSizes, reported, "every painter run is reported with its size (batch metrics)");
    }

    @Test
    void aLoneJobRunsAfterTheMaximumWait() {
        var painter = new RecordingPainter();
        try (var batcher = new PaintBatcher(4, Duration.ofMillis(20))) {
            assertEquals(3, batcher.paint(painter, request(8, 3)).get(0, 0)[0]);
        }
        assertEquals(List.of(1), painter.batchSizes);
    }

    @Test
    void aFailingBatchFailsItsJobsWithTheCause() {
        var painter = new RecordingPainter();
        try (var batcher = new PaintBatcher(4, Duration.ofMillis(10))) {
            var failure = assertThrows(IllegalStateException.class, () -> batcher.paint(painter, request(8, -1)));
            assertEquals("bad seed in batch", failure.getMessage());
        }
    }

    /** Batches every request together; records how many of its loops ever ran at once. */
    private static class SlowModel implements Painter {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();

        @Override
        public String name() {
            return "slow-model";
        }

        @Override
        public Optional<Object> batchKey(PaintRequest request) {
            return Optional.of("any");
        }

        @Override
        public Mat paint(PaintRequest request) {
            return paintAll(List.of(request)).get(0);
        }

        @Override
        public List<Mat> paintAll(List<PaintRequest> requests) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return requests.stream().map(PaintRequest::image).toList();
        }
    }

    @Test
    void withBatchingOffAModelStillRunsOneSamplingLoopAtATime() throws Exception {
        var model = new SlowModel();
        ExecutorService consumers = Executors.newFixedThreadPool(4);
        try (var batcher = new PaintBatcher(1, Duration.ofMillis(10))) {
            List<Future<Mat>> results = IntStream.range(0, 8)
                    .mapToObj(i -> consumers.submit(() -> batcher.paint(model, request(8, i)))).toList();
            for (Future<Mat> result : results) {
                result.get(10, TimeUnit.SECONDS);
            }
        } finally {
            consumers.shutdownNow();
        }
        assertEquals(1, model.mostAtOnce.get());
    }

    /** Paints one request per batch; the first batch waits until released; records the seeds in order. */
    private static final class GatedPainter extends RecordingPainter {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Long> order = new CopyOnWriteArrayList<>();

        @Override
        public List<Mat> paintAll(List<PaintRequest> requests) {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            requests.forEach(r -> order.add(r.seed()));
            return super.paintAll(requests);
        }
    }

    @Test
    void anEditWaitingForTheAcceleratorGoesAheadOfBulkWorkQueuedBeforeIt() throws Exception {
        var painter = new GatedPainter();
        try (var batcher = new PaintBatcher(1, Duration.ofMillis(10))) {
            // Different widths: each request is a batch of its own.
            var running = CompletableFuture.supplyAsync(
                    () -> batcher.paint(painter, request(8, 1), PaintBatcher.Lane.BULK));
            assertTrue(painter.started.await(10, TimeUnit.SECONDS));
            var bulk = queued(() -> batcher.paint(painter, request(12, 2), PaintBatcher.Lane.BULK));
            var laterBulk = queued(() -> batcher.paint(painter, request(14, 3), PaintBatcher.Lane.BULK));
            var edit = queued(() -> batcher.paint(painter, request(16, 4)));
            painter.release.countDown();
            for (Future<Mat> result : List.of(running, bulk, laterBulk, edit)) {
                result.get(10, TimeUnit.SECONDS);
            }
        }
        assertEquals(List.of(1L, 4L, 2L, 3L), painter.order,
                "the edit runs right after the batch that was painting; bulk batches keep their order");
    }

    /**
     * Starts a paint on a thread of its own and returns once that thread waits for its result, that is
     * once its batch has been handed to the accelerator.
     */
    private static CompletableFuture<Mat> queued(Supplier<Mat> paint) throws InterruptedException {
        var result = new CompletableFuture<Mat>();
        Thread caller = new Thread(() -> {
            try {
                result.complete(paint.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        caller.start();
        while (caller.getState() != Thread.State.WAITING && !result.isDone()) {
            Thread.sleep(5);
        }
        return result;
    }

    @Test
    void jobsArrivingWhileClosingStillRunOneSamplingLoopAtATime() throws Exception {
        var model = new SlowModel();
        ExecutorService consumers = Executors.newFixedThreadPool(6);
        var batcher = new PaintBatcher(4, Duration.ofMillis(50));
        try {
            List<Future<Mat>> before = IntStream.range(0, 3)
                    .mapToObj(i -> consumers.submit(() -> batcher.paint(model, request(8, i)))).toList();
            Thread.sleep(20);
            Future<?> closed = consumers.submit(batcher::close);
            List<Future<Mat>> during = IntStream.range(3, 6)
                    .mapToObj(i -> consumers.submit(() -> batcher.paint(model, request(8, i)))).toList();
            for (Future<Mat> result : java.util.stream.Stream.concat(before.stream(), during.stream()).toList()) {
                result.get(10, TimeUnit.SECONDS);
            }
            closed.get(10, TimeUnit.SECONDS);
        } finally {
            consumers.shutdownNow();
        }
        assertEquals(1, model.mostAtOnce.get());
    }

    @Test
    void aBatchThatRunsOutOfMemoryFailsItsJobsWithACodeInsteadOfHanging() {
        Painter exhausted = new SlowModel() {
            @Override
            public List<Mat> paintAll(List<PaintRequest> requests) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        try (var batcher = new PaintBatcher(4, Duration.ofMillis(10))) {
            var failure = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(StageFailure.class, () -> batcher.paint(exhausted, request(8, 1))));
            assertEquals("gpu_out_of_memory", failure.code());
            assertTrue(failure.getMessage().contains("ran out of memory on a batch of 1 image"), failure.getMessage());
        }
    }

    @Test
    void theAcceleratorRunningOutOfMemoryIsRecognisedByItsMessage() {
        Painter exhausted = new SlowModel() {
            @Override
            public List<Mat> paintAll(List<PaintRequest> requests) {
                throw new IllegalStateException("forward failed", new RuntimeException(
                        "CUDA out of memory. Tried to allocate 2.00 GiB"));
            }
        };
        try (var batcher = new PaintBatcher(4, Duration.ofMillis(10))) {
            var failure = assertThrows(StageFailure.class, () -> batcher.paint(exhausted, request(8, 1)));
            assertEquals("gpu_out_of_memory", failure.code());
        }
    }

    @Test
    void anotherErrorFailsTheJobInsteadOfHanging() {
        Painter broken = new SlowModel() {
            @Override
            public List<Mat> paintAll(List<PaintRequest> requests) {
                throw new StackOverflowError();
            }
        };
        try (var batcher = new PaintBatcher(4, Duration.ofMillis(10))) {
            assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(StackOverflowError.class, () -> batcher.paint(broken, request(8, 1))));
        }
    }

    @Test
    void painterThatDoesNotBatchPaintsOnTheCallersThread() {
        Thread caller = Thread.currentThread();
        Thread[] paintedOn = new Thread[1];
        Painter direct = TestPainters.painter("direct", request -> {
            paintedOn[0] = Thread.currentThread();
            return request.image();
        });
        try (var batcher = new PaintBatcher(4, Duration.ofSeconds(10))) {
            batcher.paint(direct, request(8, 1));
        }
        assertSame(caller, paintedOn[0]);
    }

    @Test
    void closeWaitsForTheBatchOnTheAcceleratorAndRunsTheOneStillGathering() throws Exception {
        var started = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        var recording = new RecordingPainter();
        Painter painter = new Painter() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public Optional<Object> batchKey(PaintRequest request) {
                return recording.batchKey(request);
            }

            @Override
            public Mat paint(PaintRequest request) {
                return paintAll(List.of(request)).get(0);
            }

            @Override
            public List<Mat> paintAll(List<PaintRequest> requests) {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted mid-batch", e);
                }
                return recording.paintAll(requests);
            }
        };
        ExecutorService consumers = Executors.newFixedThreadPool(4);
        var batcher = new PaintBatcher(2, Duration.ofHours(1));
        try {
            // A full batch runs on the accelerator and blocks there; a third job waits for company.
            Future<Mat> first = consumers.submit(() -> batcher.paint(painter, request(8, 1)));
            Future<Mat> second = consumers.submit(() -> batcher.paint(painter, request(8, 2)));
            started.await();
            Future<Mat> gathering = consumers.submit(() -> batcher.paint(painter, request(8, 3)));
            Thread.sleep(100);
            Future<?> closed = consumers.submit(batcher::close);
            Thread.sleep(200);
            assertTrue(!closed.isDone(), "close returns only after the running batch is painted");
            release.countDown();
            closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
            // Painted before close returned; the callers only have to wake up.
            var seconds = java.util.concurrent.TimeUnit.SECONDS;
            assertEquals(1.0, first.get(1, seconds).get(0, 0)[0]);
            assertEquals(2.0, second.get(1, seconds).get(0, 0)[0]);
            assertEquals(3.0, gathering.get(1, seconds).get(0, 0)[0], "the batch still gathering ran at close");
            assertEquals(List.of(2, 1), recording.batchSizes, "no job painted twice, none dropped");
        } finally {
            release.countDown();
            consumers.shutdownNow();
        }
    }
}
