package io.brushline.inpainting.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.brushline.inpainting.PaintRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opencv.core.Mat;

/** The sampling loop's memory and guidance, on the golden models. */
class SamplingLoopTest {

    private record Live(int arrays, long bytes) {
    }

    private static Live live(NDManager manager) {
        List<NDArray> arrays = manager.getManagedArrays();
        return new Live(arrays.size(), arrays.stream().mapToLong(a -> a.getShape().size() * a.getDataType().getNumOfBytes())
                .sum());
    }

    @ParameterizedTest
    @CsvSource({"sd-inpainting, DPM_SOLVER_MULTISTEP", "brushnet, DDIM"})
    void aBatchHoldsTheSameArraysAfterStep25AsAfterStep1(String kind, Scheduler.Kind schedulerKind) {
        Sampling sampling = Goldens.sampling(kind, schedulerKind);
        PaintRequest request = Goldens.request(kind);
        List<Live> afterStep = new ArrayList<>();
        try (DiffusionPainter painter = GoldenPaintingTest.painter(kind, sampling);
                NDManager manager = painter.newManager()) {
            WorkingSize size = WorkingSize.of(request.image().cols(), request.image().rows(), sampling.longSide());
            DiffusionPainter.Batch batch = DiffusionPainter.batch(manager, List.of(request), size);
            DiffusionPainter.NoisePredictor predictor = painter.prepare(batch);
            Scheduler scheduler = schedulerKind.create(NoiseSchedule.stableDiffusion(), 25);
            DiffusionPainter.denoise(DiffusionPainter.initialNoise(batch), scheduler, predictor,
                    (step, sample) -> afterStep.add(live(manager)));
        }
        assertEquals(25, afterStep.size());
        assertEquals(afterStep.get(0), afterStep.get(24), "after step 1 vs 25: " + afterStep);
    }

    /** The guided noise of the first step for the golden request with {@code negativePrompt}. */
    private static float[] firstPrediction(DiffusionPainter painter, String negativePrompt) {
        PaintRequest golden = Goldens.request(painter.name());
        PaintRequest request = new PaintRequest(golden.image(), golden.mask(), golden.category(), golden.object(),
                golden.prompt(), negativePrompt, golden.seed(), golden.instruction());
        try (NDManager manager = painter.newManager()) {
            WorkingSize size = WorkingSize.of(request.image().cols(), request.image().rows(), 128);
            DiffusionPainter.Batch batch = DiffusionPainter.batch(manager, List.of(request), size);
            return painter.prepare(batch).predict(DiffusionPainter.initialNoise(batch), 999).toFloatArray();
        }
    }

    @ParameterizedTest(name = "{0} at guidance {1}, image guidance {2}")
    @CsvSource({"sd-inpainting, 1.0, 0", "brushnet, 0.8, 0", "instruct-pix2pix, 1.0, 1.5",
        "instruct-pix2pix, 7.5, 0.9"})
    void withGuidanceOffTheNegativePromptPlaysNoPart(String kind, double guidance, double imageGuidance) {
        Sampling off = new Sampling(10, Scheduler.Kind.DDIM, guidance, 128);
        Sampling on = new Sampling(10, Scheduler.Kind.DDIM, 7.5, 128);
        try (DiffusionPainter unguided = painter(kind, off, imageGuidance);
                DiffusionPainter guided = painter(kind, on, 1.5)) {
            // Guidance off runs only the conditional rows: the negative prompt is not even encoded.
            assertArrayEquals(firstPrediction(unguided, "blurry"), firstPrediction(unguided, "dog"));
            assertFalse(Arrays.equals(firstPrediction(guided, "blurry"), firstPrediction(guided, "dog")));
        }
    }

    private static DiffusionPainter painter(String kind, Sampling sampling, double imageGuidance) {
        return kind.equals("instruct-pix2pix")
                ? new InstructPix2PixPainter(Goldens.model(kind), ModelDevice.cpu(), sampling, imageGuidance)
                : GoldenPaintingTest.painter(kind, sampling);
    }

    @Test
    void theLatentMaskIsTheTopLeftPixelOfEachBlock() {
        PaintRequest request = Goldens.request("sd-inpainting");
        Mat mask = request.mask();
        try (DiffusionPainter painter = GoldenPaintingTest.painter("sd-inpainting", Goldens.sampling("sd-inpainting",
                Scheduler.Kind.DDIM)); NDManager manager = painter.newManager()) {
            DiffusionPainter.Batch batch = DiffusionPainter.batch(manager, List.of(request), new WorkingSize(128, 64));
            float[] latent = batch.latentMasks().toFloatArray();
            assertEquals(16 * 8, latent.length);
            int differing = 0;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 16; x++) {
                    float expected = mask.get(8 * y, 8 * x)[0] >= 128 ? 1 : 0;
                    assertEquals(expected, latent[y * 16 + x], "cell " + x + "," + y);
                    // A cell whose block is only partly masked: where "any pixel" and nearest disagree.
                    differing += expected == 0 && anyMasked(mask, x, y) ? 1 : 0;
                }
            }
            assertFalse(differing == 0, "the golden mask has no partly covered block that tells the methods apart");
        }
    }

    private static boolean anyMasked(Mat mask, int cellX, int cellY) {
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                if (mask.get(8 * cellY + y, 8 * cellX + x)[0] != 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
