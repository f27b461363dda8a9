package io.brushline.inpainting.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkingSizeTest {

    @Test
    void longSideIsTheCapAndBothSidesAreMultiplesOf64() {
        assertEquals(new WorkingSize(512, 320), WorkingSize.of(2048, 1365, 512));
        assertEquals(new WorkingSize(448, 512), WorkingSize.of(894, 1000, 512));
        assertEquals(new WorkingSize(512, 512), WorkingSize.of(256, 256, 512));
        assertEquals(new WorkingSize(768, 64), WorkingSize.of(3000, 10, 768));
    }

    @Test
    void everyAspectRatioGivesLatentsTheUNetCanHalveThreeTimes() {
        for (int width = 1; width <= 4000; width += 7) {
            WorkingSize size = WorkingSize.of(width, 1000, 512);
            assertTrue(size.latentWidth() % 8 == 0 && size.latentHeight() % 8 == 0, size.toString());
            assertTrue(size.width() <= 512 && size.height() <= 512, size.toString());
        }
    }
}
