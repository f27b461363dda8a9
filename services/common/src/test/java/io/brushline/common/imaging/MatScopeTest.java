package io.brushline.common.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;

class MatScopeTest {

    @BeforeAll
    static void opencv() {
        ImageCodec.init();
    }

    @Test
    void closingReleasesWhatWasAddedButNotWhatWasKept() {
        Mat temporary;
        Mat view;
        Mat kept;
        MatScope.Counts before = MatScope.counts();
        try (MatScope scope = new MatScope()) {
            temporary = scope.add(Mat.ones(8, 8, CvType.CV_8UC1));
            view = scope.add(temporary.submat(new Rect(0, 0, 4, 4)));
            kept = scope.add(Mat.ones(8, 8, CvType.CV_8UC1));
            scope.keep(kept);
        }
        assertTrue(temporary.empty());
        assertTrue(view.empty());
        assertFalse(kept.empty());
        assertEquals(new MatScope.Counts(2, 2), MatScope.counts().since(before));
        kept.release();
    }

    @Test
    void aMatrixAddedTwiceIsKeptByOneKeep() {
        Mat mask = Mat.ones(4, 4, CvType.CV_8UC1);
        try (MatScope scope = new MatScope()) {
            scope.add(mask);
            // as when an operation returns its input unchanged
            scope.add(mask);
            scope.keep(mask);
        }
        assertFalse(mask.empty());
        mask.release();
    }

    @Test
    void anExceptionStillReleases() {
        Mat[] made = new Mat[1];
        assertThrows(IllegalStateException.class, () -> {
            try (MatScope scope = new MatScope()) {
                made[0] = scope.mat();
                made[0].create(4, 4, CvType.CV_8UC1);
                throw new IllegalStateException("job failed");
            }
        });
        assertTrue(made[0].empty());
    }

    @Test
    void onceMakesTheMatrixOnlyWhenAskedAndOnlyOnce() {
        AtomicInteger decodes = new AtomicInteger();
        Mat image;
        try (MatScope scope = new MatScope()) {
            Supplier<Mat> lazy = scope.once(() -> {
                decodes.incrementAndGet();
                return Mat.ones(4, 4, CvType.CV_8UC3);
            });
            assertEquals(0, decodes.get());
            image = lazy.get();
            assertSame(image, lazy.get());
            assertEquals(1, decodes.get());
        }
        assertTrue(image.empty());
    }
}
