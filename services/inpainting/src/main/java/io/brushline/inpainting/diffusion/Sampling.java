package io.brushline.inpainting.diffusion;

/**
 * How a generative painter samples.
 *
 * @param steps          denoising steps (model evaluations)
 * @param scheduler      the sampler
 * @param guidanceScale  classifier-free guidance scale of the text
 * @param longSide       the working size's long side (see {@link WorkingSize})
 */
public record Sampling(int steps, Scheduler.Kind scheduler, double guidanceScale, int longSide) {
}
