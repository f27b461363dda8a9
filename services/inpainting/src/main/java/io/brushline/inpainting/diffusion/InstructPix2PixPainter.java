package io.brushline.inpainting.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.brushline.inpainting.PaintRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A mask-free instruction editor on the InstructPix2Pix pipeline (Brooks et al. 2023; the
 * Paint-by-Inpaint add/general checkpoints use it): an 8-channel UNet, the noisy latent and the
 * source's latent (unscaled mean, as the pipeline conditions on it), guided by the instruction and by
 * the image separately. The source latent in every step is what keeps the image's structure, which
 * GLOBAL edits need. It needs no mask; paste-back still keeps whatever lies outside the job's mask.
 *
 * <p>Model directory: {@code tokenizer.json}, {@code text_encoder.pt}, {@code vae_encoder.pt},
 * {@code vae_decoder.pt}, {@code unet.pt}.
 */
public final class InstructPix2PixPainter extends DiffusionPainter {

    private final double imageGuidanceScale;

    public InstructPix2PixPainter(Path modelDir, ModelDevice device, Sampling sampling, double imageGuidanceScale) {
        super(modelDir, device, sampling);
        this.imageGuidanceScale = imageGuidanceScale;
    }

    @Override
    public String name() {
        return "instruct-pix2pix";
    }

    @Override
    protected NoisePredictor prepare(Batch batch) {
        int n = batch.count();
        // As the reference pipeline: both guidances or none (a text scale of 1 or less, or an image
        // scale below 1, runs the instructed row alone).
        boolean guided = textGuidance() && imageGuidanceScale >= 1;
        // Rows: instruction + image, no instruction + image, no instruction + no image.
        List<String> prompts = new ArrayList<>(batch.requests().stream().map(InstructPix2PixPainter::instruction)
                .toList());
        NDArray imageLatents = vae.encodeMean(batch.pixels());
        NDArray imageCondition = imageLatents;
        if (guided) {
            prompts.addAll(batch.negativePrompts());
            prompts.addAll(batch.negativePrompts());
            imageCondition = NDArrays.concat(new NDList(imageLatents, imageLatents, imageLatents.zerosLike()), 0);
        }
        NDArray embeddings = text.encode(batch.manager(), prompts);
        NDArray condition = imageCondition;
        int copies = guided ? 3 : 1;
        return (latents, t) -> {
            NDArray input = NDArrays.concat(new NDList(repeatBatch(latents, copies), condition), 1);
            NDArray noise = unet.forward(new NDList(input, timesteps(batch.manager(), t, copies * n), embeddings))
                    .head();
            if (!guided) {
                return noise;
            }
            NDList thirds = noise.split(3, 0);
            return Guidance.instructPix2Pix(thirds.get(0), thirds.get(1), thirds.get(2), sampling.guidanceScale(),
                    imageGuidanceScale);
        };
    }

    /** The model was trained on instructions ("make it winter"); the target prompt is the fallback. */
    private static String instruction(PaintRequest request) {
        String instruction = request.instruction();
        return instruction == null || instruction.isBlank() ? request.prompt() : instruction;
    }
}
