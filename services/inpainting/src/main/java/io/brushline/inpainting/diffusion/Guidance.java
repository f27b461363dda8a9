package io.brushline.inpainting.diffusion;

import ai.djl.ndarray.NDArray;

/** How the conditional and unconditional noise predictions are combined. */
public final class Guidance {

    private Guidance() {
    }

    /** Classifier-free guidance: {@code uncond + scale (cond - uncond)}; scale 1 is the conditional prediction. */
    public static NDArray classifierFree(NDArray unconditional, NDArray conditional, double scale) {
        return unconditional.add(conditional.sub(unconditional).mul(scale));
    }

    /**
     * InstructPix2Pix's two-way guidance (Brooks et al. 2023, eq. 3): {@code uncond + imageScale
     * (imageOnly - uncond) + textScale (full - imageOnly)}, where {@code imageOnly} sees the image but
     * not the instruction and {@code uncond} sees neither.
     */
    public static NDArray instructPix2Pix(NDArray full, NDArray imageOnly, NDArray unconditional, double textScale,
            double imageScale) {
        return unconditional.add(imageOnly.sub(unconditional).mul(imageScale)).add(full.sub(imageOnly).mul(textScale));
    }
}
