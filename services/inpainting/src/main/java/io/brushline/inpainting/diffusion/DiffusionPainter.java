package io.brushline.inpainting.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.brushline.inpainting.PaintRequest;
import io.brushline.inpainting.Painter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.opencv.core.Mat;

/**
 * What every latent-diffusion painter shares: the working size, the text encoder, autoencoder and
 * UNet, the seeded starting noise, the sampling loop and the way back to the source size. Requests of
 * the same working size run as one batch; the noise of each comes from its own seed, so a request
 * paints the same pixels whatever else is in its batch.
 */
public abstract class DiffusionPainter implements Painter, AutoCloseable {

    protected final TextEncoder text;
    protected final Vae vae;
    protected final TorchScriptModule unet;
    protected final Sampling sampling;
    private final NoiseSchedule schedule = NoiseSchedule.stableDiffusion();

    /** Loads the text encoder, the autoencoder and {@code unet.pt} from {@code modelDir}. */
    protected DiffusionPainter(Path modelDir, ModelDevice device, Sampling sampling) {
        this.text = new TextEncoder(modelDir, device);
        this.vae = new Vae(modelDir, device);
        this.unet = TorchScriptModule.load(modelDir, "unet", device);
        this.sampling = sampling;
    }

    /** The inputs of one batch, at the working size. */
    protected record Batch(
            NDManager manager, List<PaintRequest> requests, WorkingSize size, NDArray pixels, NDArray masks,
            NDArray latentMasks) {

        int count() {
            return requests.size();
        }

        List<String> prompts() {
            return requests.stream().map(PaintRequest::prompt).toList();
        }

        List<String> negativePrompts() {
            return requests.stream().map(r -> r.negativePrompt() == null ? "" : r.negativePrompt()).toList();
        }
    }

    /** Predicts the (guided) noise of a batch's latents at timestep {@code t}. */
    protected interface NoisePredictor {
        NDArray predict(NDArray latents, int t);
    }

    /** Sets up the model inputs that stay fixed over the steps and returns the noise predictor. */
    protected abstract NoisePredictor prepare(Batch batch);

    /** The manager the painter's arrays of one batch are created on (the models' device). */
    protected NDManager newManager() {
        return unet.newManager();
    }

    @Override
    public Optional<Object> batchKey(PaintRequest request) {
        return Optional.of(workingSize(request));
    }

    private WorkingSize workingSize(PaintRequest request) {
        return WorkingSize.of(request.image().cols(), request.image().rows(), sampling.longSide());
    }

    @Override
    public Mat paint(PaintRequest request) {
        return paintAll(List.of(request)).get(0);
    }

    @Override
    public List<Mat> paintAll(List<PaintRequest> requests) {
        Map<WorkingSize, List<Integer>> bySize = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            bySize.computeIfAbsent(workingSize(requests.get(i)), s -> new ArrayList<>()).add(i);
        }
        Mat[] results = new Mat[requests.size()];
        bySize.forEach((size, indices) -> {
            List<Mat> painted = paintBatch(indices.stream().map(requests::get).toList(), size);
            for (int k = 0; k < indices.size(); k++) {
                results[indices.get(k)] = painted.get(k);
            }
        });
        return List.of(results);
    }

    /** The batch's images and masks at the working size, on {@code manager}. */
    static Batch batch(NDManager manager, List<PaintRequest> requests, WorkingSize size) {
        NDArray masks = ImageTensors.masks(manager, requests.stream().map(PaintRequest::mask).toList(), size.size());
        return new Batch(manager, requests, size,
                ImageTensors.pixels(manager, requests.stream().map(PaintRequest::image).toList(), size.size()),
                masks, ImageTensors.latentMasks(masks));
    }

    private List<Mat> paintBatch(List<PaintRequest> requests, WorkingSize size) {
        try (NDManager manager = newManager()) {
            Batch batch = batch(manager, requests, size);
            NoisePredictor predictor = prepare(batch);
            NDArray latents = denoise(initialNoise(batch), sampling.scheduler().create(schedule, sampling.steps()),
                    predictor, (step, sample) -> { });
            NDArray pixels = vae.decodeScaled(latents);
            return ImageTensors.images(pixels, requests.stream().map(r -> r.image().size()).toList());
        }
    }

    /** Told the sample after each step (tests watch the memory the loop holds). */
    interface StepObserver {
        void afterStep(int index, NDArray sample);
    }

    /**
     * The sampling loop: from pure noise down to a clean latent. Each step's arrays (model inputs and
     * outputs, guidance, the previous sample) are freed at the end of the step, so a batch holds the
     * same accelerator memory at step 25 as at step 1; only the new sample and what the scheduler
     * carries to the next step survive it.
     */
    static NDArray denoise(NDArray latents, Scheduler scheduler, NoisePredictor predictor, StepObserver observer) {
        int[] timesteps = scheduler.timesteps();
        NDArray sample = latents;
        for (int i = 0; i < timesteps.length; i++) {
            NDArray next;
            try (NDScope step = new NDScope()) {
                next = scheduler.step(i, sample, predictor.predict(sample, timesteps[i]));
                NDScope.unregister(next);
                NDScope.unregister(scheduler.carried());
            }
            sample.close();
            sample = next;
            observer.afterStep(i, sample);
        }
        return sample;
    }

    /** Standard normal noise {@code [N,4,h,w]}, each request's from its own seed. */
    static NDArray initialNoise(Batch batch) {
        int plane = 4 * batch.size().latentWidth() * batch.size().latentHeight();
        float[] noise = new float[batch.count() * plane];
        for (int n = 0; n < batch.count(); n++) {
            System.arraycopy(gaussians(batch.requests().get(n).seed(), plane), 0, noise, n * plane, plane);
        }
        return batch.manager().create(noise,
                new Shape(batch.count(), 4, batch.size().latentHeight(), batch.size().latentWidth()));
    }

    /** {@code count} standard normal values from {@code seed}, the same on every machine and JVM. */
    static float[] gaussians(long seed, int count) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** The same timestep for every row of a model batch of {@code rows}. */
    protected static NDArray timesteps(NDManager manager, int t, int rows) {
        float[] values = new float[rows];
        Arrays.fill(values, t);
        return manager.create(values);
    }

    /** {@code copies} copies of {@code array} stacked along the batch axis. */
    protected static NDArray repeatBatch(NDArray array, int copies) {
        NDList list = new NDList();
        for (int i = 0; i < copies; i++) {
            list.add(array);
        }
        return NDArrays.concat(list, 0);
    }

    /**
     * The image with the region to repaint set to {@code holeValue} (pixels in [-1, 1]): each model
     * must see the blank it was trained with.
     */
    protected static NDArray maskedPixels(Batch batch, double holeValue) {
        NDArray kept = batch.pixels().mul(batch.masks().neg().add(1));
        return holeValue == 0 ? kept : kept.add(batch.masks().mul(holeValue));
    }

    /** Whether the text guides at all: at a scale of 1 or less guidance is off and the model runs once. */
    protected boolean textGuidance() {
        return sampling.guidanceScale() > 1;
    }

    /**
     * The prompts' embeddings, after the negative prompts' when guided: the row order {@link #guided}
     * expects.
     */
    protected NDArray promptEmbeddings(Batch batch, boolean guided) {
        List<String> prompts = new ArrayList<>(guided ? batch.negativePrompts() : List.of());
        prompts.addAll(batch.prompts());
        return text.encode(batch.manager(), prompts);
    }

    /** Classifier-free guidance over a model output whose first half is unconditional. */
    protected NDArray guided(NDArray noise) {
        NDList halves = noise.split(2, 0);
        return Guidance.classifierFree(halves.get(0), halves.get(1), sampling.guidanceScale());
    }

    @Override
    public void close() {
        text.close();
        vae.close();
        unet.close();
    }
}
