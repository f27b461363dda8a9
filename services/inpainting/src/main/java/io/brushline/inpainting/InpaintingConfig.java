package io.brushline.inpainting;

import io.brushline.inpainting.diffusion.ModelDevice;
import io.brushline.inpainting.diffusion.Scheduler;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** How the inpainting stage paints each category. */
@ConfigMapping(prefix = "brushline.inpainting")
public interface InpaintingConfig {

    /** Which painter each category uses; {@code auto} picks the best one configured (see {@link PainterRegistry}). */
    Painters painter();

    Classical classical();

    /** The masked-inpainting model (LOCAL, BACKGROUND, ADD with a box, REMOVE). */
    Diffusion diffusion();

    /** The mask-free instruction model (GLOBAL, ADD without a model for masks). */
    Instruction instruction();

    Batch batch();

    /** Where the generative models run: {@code auto} takes the GPU when PyTorch sees one. */
    @WithDefault("auto")
    DeviceChoice device();

    enum DeviceChoice {
        AUTO,
        CPU,
        GPU
    }

    /**
     * The generative models' float type: {@code auto} is fp16 on a GPU and fp32 on the CPU. fp16 needs
     * model files exported with {@code --dtype fp16} (see tools/export/PAINTING.md).
     */
    @WithDefault("auto")
    ModelDevice.Precision dtype();

    /**
     * BENCHMARK ONLY: when set, every category is "painted" by a stand-in that takes exactly this long
     * per job, one at a time, and changes nothing (see {@link FixedServiceTimePainter}).
     */
    Optional<Duration> benchmarkServiceTime();

    interface Painters {
        @WithDefault("auto")
        PainterChoice local();

        @WithDefault("auto")
        PainterChoice remove();

        @WithDefault("auto")
        PainterChoice background();

        @WithDefault("auto")
        PainterChoice add();

        @WithDefault("auto")
        PainterChoice global();
    }

    interface Classical {
        /** Chosen by the benchmark in docs/painting.md: the best quality within 2 s per image. */
        @WithDefault("fsr-fast")
        ClassicalFill.Method method();

        /** Neighbourhood radius in pixels of {@code telea} and {@code navier-stokes}. */
        @WithDefault("5")
        double radius();

        /**
         * The hole and its context are scaled down to this long side for the fill: the cost grows with
         * the hole's area (FSR fast on a 2048x1365 photo with a fifth of it masked: about 1.1 s at 384).
         */
        @WithDefault("384")
        int maxSide();
    }

    /** What both generative painters are configured with. */
    interface Generative {
        /** The directory of the exported TorchScript files; unset = no such model. */
        Optional<Path> modelDir();

        @WithDefault("25")
        int steps();

        @WithDefault("dpm-solver-multistep")
        Scheduler.Kind scheduler();

        @WithDefault("7.5")
        double guidanceScale();

        /** The long side of the working size (both sides are multiples of 64); SD-1.5 models are trained at 512. */
        @WithDefault("512")
        int longSide();
    }

    interface Diffusion extends Generative {
        @WithDefault("sd-inpainting")
        Architecture architecture();

        /** BrushNet's residuals are multiplied by this before the UNet adds them. */
        @WithDefault("1.0")
        double brushnetConditioningScale();

        enum Architecture {
            SD_INPAINTING,
            BRUSHNET
        }
    }

    interface Instruction extends Generative {
        /** How strongly the edit sticks to the source image (InstructPix2Pix's image guidance). */
        @WithDefault("1.5")
        double imageGuidanceScale();
    }

    interface Batch {
        /** The most jobs painted as one batch; 1 turns batching off. */
        @WithDefault("4")
        int maxSize();

        /** How long the first job of a batch waits for compatible ones. */
        @WithDefault("PT0.05S")
        Duration maxWait();
    }
}
