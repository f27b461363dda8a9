package io.brushline.inpainting.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brushline.common.imaging.PilResize;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencv.core.Mat;

/**
 * Each painter and scheduler against what the reference pipelines (diffusers; BrushNet's fork of it)
 * painted from the same inputs and initial latents, with tiny random-weight models of the real
 * architectures exported by the project's own script (see tools/models/make_painting_goldens.py).
 */
class GoldenPaintingTest {

    static DiffusionPainter painter(String kind, Sampling sampling) {
        JsonNode golden = Goldens.golden(kind);
        return switch (kind) {
            case "sd-inpainting" -> new SdInpaintingPainter(Goldens.model(kind), ModelDevice.cpu(), sampling);
            case "brushnet" -> new BrushNetPainter(Goldens.model(kind), ModelDevice.cpu(), sampling,
                    golden.get("conditioningScale").asDouble());
            case "instruct-pix2pix" -> new InstructPix2PixPainter(Goldens.model(kind), ModelDevice.cpu(), sampling,
                    golden.get("imageGuidanceScale").asDouble());
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({
        "sd-inpainting, DDIM", "sd-inpainting, DPM_SOLVER_MULTISTEP",
        "brushnet, DDIM", "brushnet, DPM_SOLVER_MULTISTEP",
        "instruct-pix2pix, DDIM", "instruct-pix2pix, DPM_SOLVER_MULTISTEP"})
    void paintsWhatTheReferencePipelinePaintsWithinOneGreyLevel(String kind, Scheduler.Kind scheduler) {
        String file = scheduler.name().toLowerCase(Locale.ROOT).replace('_', '-') + ".png";
        Mat expected = Goldens.image(Goldens.dir(kind).resolve(file));
        try (DiffusionPainter painter = painter(kind, Goldens.sampling(kind, scheduler))) {
            Mat painted = painter.paint(Goldens.request(kind));
            String figures = String.format(Locale.ROOT, "%s with %s: max difference %.0f grey levels, PSNR %.1f dB", kind,
                    scheduler, Goldens.maxDifference(painted, expected), Goldens.psnr(painted, expected));
            System.out.println("golden " + figures);
            assertTrue(Goldens.maxDifference(painted, expected) <= 1, figures);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd-inpainting", "brushnet", "instruct-pix2pix"})
    void startsFromTheSameLatentsAsTheGoldens(String kind) {
        float[] expected = Goldens.floats(Goldens.dir(kind).resolve("latents.f32"));
        assertArrayEquals(expected, DiffusionPainter.gaussians(Goldens.golden(kind).get("seed").asLong(),
                expected.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"prompt", "negativePrompt", "instruction"})
    void tokenisesAsTheReferenceTokenizer(String field) {
        JsonNode golden = Goldens.golden("sd-inpainting");
        try (TextEncoder text = new TextEncoder(Goldens.model("sd-inpainting"), ModelDevice.cpu())) {
            assertArrayEquals(ids(golden.get("tokenIds").get(field)), text.tokenIds(golden.get(field).asText()));
        }
    }

    @Test
    void cutsLongPromptsAt77TokensKeepingTheEndToken() {
        JsonNode golden = Goldens.golden("sd-inpainting");
        try (TextEncoder text = new TextEncoder(Goldens.model("sd-inpainting"), ModelDevice.cpu())) {
            long[] ids = text.tokenIds("a photo of the cat ".repeat(30));
            assertEquals(TextEncoder.LENGTH, ids.length);
            assertArrayEquals(ids(golden.get("tokenIds").get("long")), ids);
        }
    }

    private static long[] ids(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToLong(JsonNode::asLong).toArray();
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"128, 64", "256, 128", "500, 250"})
    void resizesAsPillowsLanczos(int width, int height) {
        Mat source = Goldens.image(Goldens.dir("resize").resolve("source.png"));
        Mat expected = Goldens.image(Goldens.dir("resize").resolve("lanczos-" + width + "x" + height + ".png"));
        Mat resized = PilResize.resize(source, width, height, PilResize.Filter.LANCZOS);
        assertTrue(Goldens.maxDifference(resized, expected) <= 1,
                "max difference " + Goldens.maxDifference(resized, expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ddim", "dpm-solver-multistep"})
    void timestepsAreTheReferenceSchedulersForEveryStepCountUpTo100(String name) {
        JsonNode expected = Goldens.golden("schedulers", "timesteps.json").get(name);
        Scheduler.Kind kind = name.equals("ddim") ? Scheduler.Kind.DDIM : Scheduler.Kind.DPM_SOLVER_MULTISTEP;
        for (int steps = 1; steps <= 100; steps++) {
            assertArrayEquals(ids(expected.get(String.valueOf(steps))),
                    Arrays.stream(kind.create(NoiseSchedule.stableDiffusion(), steps).timesteps()).asLongStream().toArray(),
                    name + " with " + steps + " steps");
        }
    }
}
