package io.brushline.inpainting.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WorkingSizeTest {

    @Test
    void longSideIsTheCapAndBothSidesAreMultiplesOf8() {
        assertEquals(new WorkingSize(512, 344), WorkingSize.of(2048, 1365, 512));
        assertEquals(new WorkingSize(456, 512), WorkingSize.of(894, 1000, 512));
        assertEquals(new WorkingSize(512, 512), WorkingSize.of(256, 256, 512));
        assertEquals(new WorkingSize(768, 8), WorkingSize.of(3000, 10, 768));
    }
}
