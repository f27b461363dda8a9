package io.brushline.inpainting.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class GuidanceTest {

    @Test
    void guidanceArithmetic() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            var uncond = manager.create(new float[] {1, -2});
            var cond = manager.create(new float[] {3, 0});
            // 1 + 7.5 (3 - 1) = 16; -2 + 7.5 (0 + 2) = 13
            assertArrayEquals(new float[] {16, 13}, Guidance.classifierFree(uncond, cond, 7.5).toFloatArray(), 1e-6f);
            assertArrayEquals(cond.toFloatArray(), Guidance.classifierFree(uncond, cond, 1).toFloatArray(), 1e-6f);

            var full = manager.create(new float[] {4, 1});
            var imageOnly = manager.create(new float[] {2, 0});
            // uncond + 1.5 (imageOnly - uncond) + 7.5 (full - imageOnly):
            // 1 + 1.5 * 1 + 7.5 * 2 = 17.5; -2 + 1.5 * 2 + 7.5 * 1 = 8.5
            assertArrayEquals(new float[] {17.5f, 8.5f},
                    Guidance.instructPix2Pix(full, imageOnly, uncond, 7.5, 1.5).toFloatArray(), 1e-6f);
        }
    }
}
