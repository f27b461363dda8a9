package io.brushline.inpainting.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.nio.file.Path;

/**
 * BrushNet (Ju et al. 2024): a branch that sees the noisy latent and a 5-channel condition, the
 * masked-image latent and the mask at latent size in BrushNet's own convention (1 = keep, the inverse
 * of ours), and returns residuals that a patched 4-channel UNet adds to its features. The masked
 * image it encodes has the hole blacked out (-1), as BrushNet's training and pipeline blank it.
 *
 * <p>Model directory: as for {@link SdInpaintingPainter} plus {@code brushnet.pt}; {@code unet.pt} is
 * the base UNet exported to take BrushNet's residuals after its three usual inputs.
 */
public final class BrushNetPainter extends DiffusionPainter {

    private final TorchScriptModule brushNet;
    private final double conditioningScale;

    public BrushNetPainter(Path modelDir, ModelDevice device, Sampling sampling, double conditioningScale) {
        super(modelDir, device, sampling);
        this.brushNet = TorchScriptModule.load(modelDir, "brushnet", device);
        this.conditioningScale = conditioningScale;
    }

    @Override
    public String name() {
        return "brushnet";
    }

    @Override
    protected NoisePredictor prepare(Batch batch) {
        int n = batch.count();
        boolean guided = textGuidance();
        int copies = guided ? 2 : 1;
        NDArray embeddings = promptEmbeddings(batch, guided);
        NDArray keep = batch.latentMasks().neg().add(1);
        // BrushNet was trained on images whose hole is black (-1), not grey.
        NDArray condition = repeatBatch(
                NDArrays.concat(new NDList(vae.encodeScaled(maskedPixels(batch, -1)), keep), 1), copies);
        return (latents, t) -> {
            NDArray rows = repeatBatch(latents, copies);
            NDArray steps = timesteps(batch.manager(), t, copies * n);
            NDList residuals = brushNet.forward(new NDList(rows, steps, embeddings, condition));
            NDList unetInputs = new NDList(rows, steps, embeddings);
            residuals.forEach(residual -> unetInputs.add(residual.mul(conditioningScale)));
            NDArray noise = unet.forward(unetInputs).head();
            return guided ? guided(noise) : noise;
        };
    }

    @Override
    public void close() {
        super.close();
        brushNet.close();
    }
}
