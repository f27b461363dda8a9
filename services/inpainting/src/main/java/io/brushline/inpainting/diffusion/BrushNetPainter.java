package io.brushline.inpainting.diffusion;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * BrushNet (Ju et al. 2024): a branch that sees the noisy latent and a 5-channel condition, the
 * masked-image latent and the mask at latent size in BrushNet's own convention (1 = keep, the inverse
 * of ours), and returns residuals that a patched 4-channel UNet adds to its features.
 *
 * <p>Model directory: as for {@link SdInpaintingPainter} plus {@code brushnet.pt}; {@code unet.pt} is
 * the base UNet exported to take BrushNet's residuals after its three usual inputs.
 */
public final class BrushNetPainter extends DiffusionPainter {

    private final TorchScriptModule brushNet;
    private final TorchScriptModule unet;
    private final double conditioningScale;

    public BrushNetPainter(Path modelDir, Device device, Sampling sampling, double conditioningScale) {
        super(new TextEncoder(modelDir, device), new Vae(modelDir, device), sampling);
        this.brushNet = TorchScriptModule.load(modelDir, "brushnet", device);
        this.unet = TorchScriptModule.load(modelDir, "unet", device);
        this.conditioningScale = conditioningScale;
    }

    @Override
    public String name() {
        return "brushnet";
    }

    @Override
    protected NDManager newManager() {
        return unet.newManager();
    }

    @Override
    protected NoisePredictor prepare(Batch batch) {
        int n = batch.count();
        List<String> prompts = new ArrayList<>(batch.negativePrompts());
        prompts.addAll(batch.prompts());
        NDArray embeddings = text.encode(batch.manager(), prompts);
        NDArray keep = batch.latentMasks().neg().add(1);
        NDArray condition = repeatBatch(
                NDArrays.concat(new NDList(vae.encodeScaled(maskedPixels(batch)), keep), 1), 2);
        return (latents, t) -> {
            NDArray doubled = repeatBatch(latents, 2);
            NDArray steps = timesteps(batch.manager(), t, 2 * n);
            NDList residuals = brushNet.forward(new NDList(doubled, steps, embeddings, condition));
            NDList unetInputs = new NDList(doubled, steps, embeddings);
            residuals.forEach(residual -> unetInputs.add(residual.mul(conditioningScale)));
            NDList halves = unet.forward(unetInputs).head().split(2, 0);
            return Guidance.classifierFree(halves.get(0), halves.get(1), sampling.guidanceScale());
        };
    }

    @Override
    public void close() {
        super.close();
        brushNet.close();
        unet.close();
    }
}
