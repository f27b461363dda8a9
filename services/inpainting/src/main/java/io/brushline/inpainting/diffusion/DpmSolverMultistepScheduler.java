package io.brushline.inpainting.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * DPM-Solver++ 2M (Lu et al. 2022), data prediction, midpoint variant, as diffusers runs Stable
 * Diffusion with it: timesteps spaced evenly over [0, 999] (rounded half to even, as numpy rounds),
 * the first step first order
 * (no previous prediction yet), and the last step to noise level zero first order, which returns the
 * predicted clean sample.
 *
 * <p>With {@code alpha = sqrt(alphaBar)}, {@code sigma = sqrt(1 - alphaBar)},
 * {@code lambda = log(alpha / sigma)}, {@code h = lambda_next - lambda} and the clean-sample
 * predictions {@code D0} (now) and {@code D1} (previous step, {@code r = h_previous / h}):
 * {@code x_next = (sigma_next / sigma) x - alpha_next (e^-h - 1) (D0 + (D0 - D1) / (2r))}.
 */
public final class DpmSolverMultistepScheduler implements Scheduler {

    private final NoiseSchedule schedule;
    private final int[] timesteps;
    private NDArray previousDenoised;

    public DpmSolverMultistepScheduler(NoiseSchedule schedule, int steps) {
        this.schedule = schedule;
        this.timesteps = new int[steps];
        // The reference takes linspace(0, 999, steps + 1) (value i is i * (999 / steps)), rounds it half
        // to even and drops the 0; Math.rint rounds half to even, Math.round would round 832.5 up.
        double spacing = (double) (NoiseSchedule.TRAIN_STEPS - 1) / steps;
        for (int i = 0; i < steps; i++) {
            timesteps[i] = (int) Math.rint((steps - i) * spacing);
        }
    }

    @Override
    public int[] timesteps() {
        return timesteps.clone();
    }

    private double lambda(int t) {
        return Math.log(schedule.alpha(t) / schedule.sigma(t));
    }

    /**
     * {@code x_next = a x + b D0 + c D1}; returns {a, b, c}. The last step goes to noise level zero
     * ({@code x_next = D0}); the first has no {@code D1} ({@code c = 0}, first order).
     */
    double[] coefficients(int index) {
        if (index == timesteps.length - 1) {
            return new double[] {0, 1, 0};
        }
        int now = timesteps[index];
        int next = timesteps[index + 1];
        double h = lambda(next) - lambda(now);
        double expm1 = Math.expm1(-h);
        double a = schedule.sigma(next) / schedule.sigma(now);
        double firstOrder = -schedule.alpha(next) * expm1;
        if (index == 0) {
            return new double[] {a, firstOrder, 0};
        }
        double r = (lambda(now) - lambda(timesteps[index - 1])) / h;
        return new double[] {a, firstOrder * (1 + 0.5 / r), -firstOrder * 0.5 / r};
    }

    @Override
    public NDList carried() {
        return previousDenoised == null ? new NDList() : new NDList(previousDenoised);
    }

    @Override
    public NDArray step(int index, NDArray sample, NDArray noise) {
        int t = timesteps[index];
        NDArray denoised = sample.sub(noise.mul(schedule.sigma(t))).div(schedule.alpha(t));
        double[] c = coefficients(index);
        NDArray next = sample.mul(c[0]).add(denoised.mul(c[1]));
        if (c[2] != 0) {
            next = next.add(previousDenoised.mul(c[2]));
        }
        if (previousDenoised != null) {
            previousDenoised.close();
        }
        previousDenoised = denoised;
        return next;
    }
}
