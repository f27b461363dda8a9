package io.brushline.inpainting;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the inpainting stage paints each category. */
@ConfigMapping(prefix = "brushline.inpainting")
public interface InpaintingConfig {

    /** Which painter each category uses; {@code auto} picks the best one configured (see {@link PainterChoice}). */
    Painters painter();

    Classical classical();

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

        /** The hole and its context are scaled down to this long side for the fill (the cost grows with the area). */
        @WithDefault("512")
        int maxSide();
    }
}
