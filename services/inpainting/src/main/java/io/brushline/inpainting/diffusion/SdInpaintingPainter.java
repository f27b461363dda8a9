package io.brushline.inpainting.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.nio.file.Path;

/**
 * Stable-Diffusion inpainting: a UNet whose input is 9 channels, the noisy latent (4), the mask at
 * latent size (1, 1 = repaint) and the latent of the image with the region blanked (4), with
 * classifier-free guidance against the negative prompt (off at a guidance scale of 1 or less).
 *
 * <p>Model directory: {@code tokenizer.json}, {@code text_encoder.pt}, {@code vae_encoder.pt},
 * {@code vae_decoder.pt}, {@code unet.pt} (see tools/export/README.md).
 */
public final class SdInpaintingPainter extends DiffusionPainter {

    public SdInpaintingPainter(Path modelDir, ModelDevice device, Sampling sampling) {
        super(modelDir, device, sampling);
    }

    @Override
    public String name() {
        return "sd-inpainting";
    }

    @Override
    protected NoisePredictor prepare(Batch batch) {
        int n = batch.count();
        boolean guided = textGuidance();
        int copies = guided ? 2 : 1;
        NDArray embeddings = promptEmbeddings(batch, guided);
        // The hole is 0 (grey) in the image the UNet was trained to condition on.
        NDArray condition = repeatBatch(NDArrays.concat(
                new NDList(batch.latentMasks(), vae.encodeScaled(maskedPixels(batch, 0))), 1), copies);
        return (latents, t) -> {
            NDArray input = NDArrays.concat(new NDList(repeatBatch(latents, copies), condition), 1);
            NDArray noise = unet.forward(new NDList(input, timesteps(batch.manager(), t, copies * n), embeddings))
                    .head();
            return guided ? guided(noise) : noise;
        };
    }
}
