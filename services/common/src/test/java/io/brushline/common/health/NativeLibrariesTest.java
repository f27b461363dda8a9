package io.brushline.common.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class NativeLibrariesTest {

    @Test
    void afterStartUpOpenCvCallsWorkAndTheServiceIsReady() {
        var libraries = new NativeLibraries(() -> true);
        libraries.load();
        HealthCheckResponse response = libraries.call();
        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals("loaded", response.getData().orElseThrow().get("opencv"));
        // the call that failed on the first job of a fresh service
        Mat full = new Mat(4, 3, CvType.CV_8UC1, new Scalar(255));
        assertEquals(255, full.get(3, 2)[0]);
    }
}
