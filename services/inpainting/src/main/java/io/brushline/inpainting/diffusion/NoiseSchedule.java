package io.brushline.inpainting.diffusion;

/**
 * The forward-noising schedule the Stable-Diffusion family was trained with: 1000 steps, "scaled
 * linear" betas from 0.00085 to 0.012 (linear in the square root). {@code alphaBar(t)} is the
 * cumulative product of {@code 1 - beta} up to step {@code t}: a noisy latent is
 * {@code sqrt(alphaBar) x0 + sqrt(1 - alphaBar) noise}.
 */
public final class NoiseSchedule {

    public static final int TRAIN_STEPS = 1000;

    private final double[] alphaBar;

    private NoiseSchedule(double[] alphaBar) {
        this.alphaBar = alphaBar;
    }

    public static NoiseSchedule stableDiffusion() {
        return scaledLinear(0.00085, 0.012, TRAIN_STEPS);
    }

    static NoiseSchedule scaledLinear(double betaStart, double betaEnd, int steps) {
        double from = Math.sqrt(betaStart);
        double to = Math.sqrt(betaEnd);
        double[] alphaBar = new double[steps];
        double product = 1;
        for (int t = 0; t < steps; t++) {
            double root = from + (to - from) * t / (steps - 1);
            product *= 1 - root * root;
            alphaBar[t] = product;
        }
        return new NoiseSchedule(alphaBar);
    }

    public double alphaBar(int t) {
        return alphaBar[t];
    }

    /** The signal scale {@code sqrt(alphaBar)} at step {@code t}. */
    double alpha(int t) {
        return Math.sqrt(alphaBar[t]);
    }

    /** The noise scale {@code sqrt(1 - alphaBar)} at step {@code t}. */
    double sigma(int t) {
        return Math.sqrt(1 - alphaBar[t]);
    }
}
