package io.brushline.inpainting.diffusion;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/**
 * Where the painting models run and in which float type. Half precision halves the memory and
 * roughly doubles the speed of the UNet on a GPU; on a CPU it brings nothing but rounding, so
 * {@code auto} takes fp16 on CUDA and fp32 on the CPU. The sampling loop itself (noise, scheduler,
 * guidance) stays in fp32; only the models' inputs and outputs are cast.
 */
public record ModelDevice(Device device, DataType dtype) {

    /** The float types a deployment can ask for. */
    public enum Precision {
        AUTO,
        FP32,
        FP16
    }

    public ModelDevice {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("the painting models run in fp32 or fp16, not " + dtype);
        }
    }

    public static ModelDevice of(Device device, Precision precision) {
        return new ModelDevice(device, switch (precision) {
            case FP32 -> DataType.FLOAT32;
            case FP16 -> DataType.FLOAT16;
            case AUTO -> device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
        });
    }

    /** fp32 on the CPU: what the tests and the CPU deployments use. */
    public static ModelDevice cpu() {
        return new ModelDevice(Device.cpu(), DataType.FLOAT32);
    }
}
