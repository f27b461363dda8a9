package io.brushline.inpainting;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import org.opencv.core.Mat;

/**
 * BENCHMARK ONLY, never the default: stands in for a GPU painter by taking a fixed time per job, one
 * job at a time per instance, and returning the image unchanged. It lets the benchmark measure how
 * throughput scales with the number of inpainting instances on a 2-core machine, where real painting
 * would measure the CPU instead. Enabled by {@code brushline.inpainting.benchmark-service-time}.
 */
final class FixedServiceTimePainter implements Painter {

    private final Duration serviceTime;
    private final Semaphore accelerator = new Semaphore(1, true);

    FixedServiceTimePainter(Duration serviceTime) {
        this.serviceTime = serviceTime;
    }

    @Override
    public String name() {
        return "benchmark-fixed-" + serviceTime;
    }

    @Override
    public Mat paint(PaintRequest request) {
        accelerator.acquireUninterruptibly();
        try {
            Thread.sleep(serviceTime.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            accelerator.release();
        }
        return request.image().clone();
    }
}
