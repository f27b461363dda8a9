package io.brushline.inpainting.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The schedulers' coefficients against values computed here another way: in the variance-exploding
 * parametrisation of k-diffusion (Karras et al. 2022), where a sample is {@code x / alpha}, the noise
 * level is {@code sigma / alpha}, and DDIM and DPM-Solver++ 2M have their textbook forms.
 */
class SchedulerTest {

    private final NoiseSchedule schedule = NoiseSchedule.stableDiffusion();

    @Test
    void stableDiffusionScheduleMatchesItsPublishedEnds() {
        // betas[0] = 0.00085 and the product over 1000 scaled-linear betas, as diffusers computes them.
        assertEquals(1 - 0.00085, schedule.alphaBar(0), 1e-12);
        double product = 1;
        for (int t = 0; t < 1000; t++) {
            double beta = Math.pow(Math.sqrt(0.00085) * (999 - t) / 999 + Math.sqrt(0.012) * t / 999, 2);
            product *= 1 - beta;
        }
        assertEquals(product, schedule.alphaBar(999), 1e-12);
        assertEquals(0.004660, schedule.alphaBar(999), 5e-6);
    }

    @Test
    void timestepsFollowTheConfiguredSpacing() {
        assertArrayEquals(new int[] {901, 801, 701, 601, 501, 401, 301, 201, 101, 1},
                new DdimScheduler(schedule, 10).timesteps());
        assertArrayEquals(new int[] {999, 799, 599, 400, 200}, new DpmSolverMultistepScheduler(schedule, 5).timesteps());
    }

    @Test
    void dpmSolverRoundsHalfwayTimestepsToEvenAsNumpyDoes() {
        // 999 * k / 6 = 832.5, 499.5, 166.5: numpy's round() goes to the even neighbour.
        assertArrayEquals(new int[] {999, 832, 666, 500, 333, 166}, new DpmSolverMultistepScheduler(schedule, 6).timesteps());
        // 13 * (999 / 26) is 499.49999999999994 in doubles, as numpy computes it: 499, not 500.
        assertEquals(499, new DpmSolverMultistepScheduler(schedule, 26).timesteps()[13]);
        assertArrayEquals(new int[] {999, 916, 832, 749, 666, 583, 500, 416, 333, 250, 166, 83},
                new DpmSolverMultistepScheduler(schedule, 12).timesteps());
    }

    /** Karras noise level {@code sigma / alpha} at timestep t. */
    private double karrasSigma(int t) {
        return Math.sqrt((1 - schedule.alphaBar(t)) / schedule.alphaBar(t));
    }

    private double alpha(int t) {
        return Math.sqrt(schedule.alphaBar(t));
    }

    /** A fixed, non-trivial "model": the noise it predicts for sample x at timestep t. */
    private static double model(double x, int t) {
        return 0.7 * x + 0.3 * Math.sin(t / 50.0);
    }

    @Test
    void ddimMatchesTheVarianceExplodingForm() {
        var ddim = new DdimScheduler(schedule, 12);
        int[] ts = ddim.timesteps();
        double x = 1.3;
        double ve = x / alpha(ts[0]);
        for (int i = 0; i < ts.length; i++) {
            double noise = model(x, ts[i]);
            double[] c = ddim.coefficients(i);
            x = c[0] * x + c[1] * noise;
            // DDIM in VE form: denoised = x - sigma eps, then x_next = denoised + sigma_next eps.
            int next = i + 1 < ts.length ? ts[i + 1] : 0;
            double denoised = ve - karrasSigma(ts[i]) * noise;
            ve = denoised + karrasSigma(next) * noise;
            assertEquals(ve * alpha(next), x, 1e-9, "step " + i);
        }
    }

    @Test
    void dpmSolverMatchesTheKarrasForm() {
        var dpm = new DpmSolverMultistepScheduler(schedule, 20);
        int[] ts = dpm.timesteps();
        double x = -0.8;
        double previousDenoisedVp = 0;
        double ve = x / alpha(ts[0]);
        Double oldDenoised = null;
        for (int i = 0; i < ts.length; i++) {
            double noise = model(x, ts[i]);
            double denoisedVp = (x - Math.sqrt(1 - schedule.alphaBar(ts[i])) * noise) / alpha(ts[i]);
            double[] c = dpm.coefficients(i);
            x = c[0] * x + c[1] * denoisedVp + c[2] * previousDenoisedVp;
            previousDenoisedVp = denoisedVp;

            // k-diffusion's sample_dpmpp_2m, one step, in VE form with t = -log(sigma).
            double sigma = karrasSigma(ts[i]);
            double denoised = ve - sigma * noise;
            boolean last = i == ts.length - 1;
            if (last) {
                ve = denoised;
                assertEquals(ve, x, 1e-9, "last step");
                break;
            }
            double sigmaNext = karrasSigma(ts[i + 1]);
            double h = Math.log(sigma) - Math.log(sigmaNext);
            double d = denoised;
            if (oldDenoised != null) {
                double hLast = Math.log(karrasSigma(ts[i - 1])) - Math.log(sigma);
                double r = hLast / h;
                d = (1 + 1 / (2 * r)) * denoised - (1 / (2 * r)) * oldDenoised;
            }
            ve = (sigmaNext / sigma) * ve - Math.expm1(-h) * d;
            oldDenoised = denoised;
            assertEquals(ve * alpha(ts[i + 1]), x, 1e-9, "step " + i);
        }
    }

    @Test
    void anExactDenoiserLandsOnItsTarget() {
        // If the model always knows the clean sample, both samplers must end exactly there.
        double target = 0.42;
        for (Scheduler.Kind kind : Scheduler.Kind.values()) {
            Scheduler scheduler = kind.create(schedule, 25);
            int[] ts = scheduler.timesteps();
            double x = 2.0;
            double previous = 0;
            for (int i = 0; i < ts.length; i++) {
                double noise = (x - alpha(ts[i]) * target) / Math.sqrt(1 - schedule.alphaBar(ts[i]));
                if (scheduler instanceof DdimScheduler ddim) {
                    double[] c = ddim.coefficients(i);
                    x = c[0] * x + c[1] * noise;
                } else {
                    double[] c = ((DpmSolverMultistepScheduler) scheduler).coefficients(i);
                    x = c[0] * x + c[1] * target + c[2] * previous;
                    previous = target;
                }
            }
            // DDIM ends at alphaBar(0) (set_alpha_to_one = false), DPM-Solver++ at noise level zero.
            double expected = kind == Scheduler.Kind.DDIM
                    ? alpha(0) * target + Math.sqrt(1 - schedule.alphaBar(0)) * (2.0 - alpha(ts[0]) * target)
                            / Math.sqrt(1 - schedule.alphaBar(ts[0]))
                    : target;
            assertEquals(expected, x, 1e-9, kind.name());
        }
    }
}
