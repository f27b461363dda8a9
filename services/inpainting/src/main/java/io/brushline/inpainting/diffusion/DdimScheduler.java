package io.brushline.inpainting.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * DDIM with eta = 0 (Song et al. 2021), configured as Stable Diffusion 1.5 ships it: "leading"
 * timestep spacing with offset 1, and the step after the last one uses {@code alphaBar(0)}
 * ({@code set_alpha_to_one = false}).
 */
public final class DdimScheduler implements Scheduler {

    private final NoiseSchedule schedule;
    private final int[] timesteps;

    public DdimScheduler(NoiseSchedule schedule, int steps) {
        this.schedule = schedule;
        int ratio = NoiseSchedule.TRAIN_STEPS / steps;
        this.timesteps = new int[steps];
        for (int i = 0; i < steps; i++) {
            timesteps[i] = (steps - 1 - i) * ratio + 1;
        }
    }

    @Override
    public int[] timesteps() {
        return timesteps.clone();
    }

    /**
     * {@code x_prev = a x + b noise}: the predicted clean sample {@code (x - sqrt(1-A) noise)/sqrt(A)}
     * re-noised to the previous level with the same noise. Returns {a, b}.
     */
    double[] coefficients(int index) {
        double alphaBar = schedule.alphaBar(timesteps[index]);
        double previous = index + 1 < timesteps.length ? schedule.alphaBar(timesteps[index + 1]) : schedule.alphaBar(0);
        double a = Math.sqrt(previous / alphaBar);
        double b = Math.sqrt(1 - previous) - Math.sqrt(previous * (1 - alphaBar) / alphaBar);
        return new double[] {a, b};
    }

    @Override
    public NDArray step(int index, NDArray sample, NDArray noise) {
        double[] c = coefficients(index);
        return sample.mul(c[0]).add(noise.mul(c[1]));
    }
}
