package io.brushline.inpainting;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * GPU memory per device, as CUDA reports it ({@code brushline_gpu_memory_used_bytes} and
 * {@code brushline_gpu_memory_total_bytes}), registered only where a GPU is present. Utilisation
 * itself comes from the painter's busy time ({@code brushline_paint_batch_seconds}) and, where the
 * cluster runs it, NVIDIA's DCGM exporter.
 */
@ApplicationScoped
public class GpuMetrics {

    private static final Logger LOG = Logger.getLogger(GpuMetrics.class);

    void register(@Observes StartupEvent started, MeterRegistry registry) {
        int gpus = CudaUtils.getGpuCount();
        for (int id = 0; id < gpus; id++) {
            Device device = Device.gpu(id);
            gauge(registry, "brushline.gpu.memory.used", "GPU memory in use", device,
                    d -> CudaUtils.getGpuMemory(d).getUsed());
            gauge(registry, "brushline.gpu.memory.total", "GPU memory in all", device,
                    d -> CudaUtils.getGpuMemory(d).getMax());
        }
        if (gpus > 0) {
            LOG.infof("reporting memory of %d GPU(s)", gpus);
        }
    }

    private static void gauge(MeterRegistry registry, String name, String description, Device device,
            ToDoubleFunction<Device> value) {
        Gauge.builder(name, device, value).description(description).baseUnit("bytes")
                .tag("gpu", String.valueOf(device.getDeviceId())).register(registry);
    }
}
