package io.brushline.inpainting.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.nio.file.Path;

/**
 * The autoencoder between pixels ({@code [N,3,H,W]} in [-1, 1]) and latents ({@code [N,4,H/8,W/8]}).
 * The encoder file returns the mean of the latent distribution (deterministic, so a redelivered job
 * paints the same pixels); {@link #SCALING} brings latents to unit variance as the UNet expects.
 */
public final class Vae implements AutoCloseable {

    /** Stable Diffusion 1.x's latent scaling factor. */
    public static final double SCALING = 0.18215;

    private final TorchScriptModule encoder;
    private final TorchScriptModule decoder;

    public Vae(Path modelDir, ModelDevice device) {
        this.encoder = TorchScriptModule.load(modelDir, "vae_encoder", device);
        this.decoder = TorchScriptModule.load(modelDir, "vae_decoder", device);
    }

    /** The latent mean, unscaled (InstructPix2Pix conditions on it as it is). */
    public NDArray encodeMean(NDArray pixels) {
        return encoder.forward(new NDList(pixels)).head();
    }

    /** The scaled latent that the inpainting UNets take. */
    public NDArray encodeScaled(NDArray pixels) {
        return encodeMean(pixels).mul(SCALING);
    }

    /** Pixels from a scaled latent. */
    public NDArray decodeScaled(NDArray latents) {
        return decoder.forward(new NDList(latents.div(SCALING))).head();
    }

    @Override
    public void close() {
        encoder.close();
        decoder.close();
    }
}
