package io.brushline.inpainting;

import java.util.function.Function;
import org.opencv.core.Mat;

/** Painters for tests. */
final class TestPainters {

    private TestPainters() {
    }

    /** A painter that does not batch, named {@code name}, that paints each request with {@code paint}. */
    static Painter painter(String name, Function<PaintRequest, Mat> paint) {
        return new Painter() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Mat paint(PaintRequest request) {
                return paint.apply(request);
            }
        };
    }
}
