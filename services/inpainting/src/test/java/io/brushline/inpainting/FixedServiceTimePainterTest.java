package io.brushline.inpainting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Category;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class FixedServiceTimePainterTest {

    static {
        ImageCodec.init();
    }

    @Test
    void takesItsServiceTimeOneJobAtATimeAndChangesNothing() {
        var painter = new FixedServiceTimePainter(Duration.ofMillis(200));
        Mat image = new Mat(8, 8, CvType.CV_8UC3, new Scalar(10, 20, 30));
        var request = new PaintRequest(image, new Mat(8, 8, CvType.CV_8UC1, new Scalar(255)), Category.REMOVE,
                "dog", "", "", 1, "remove the dog");
        long started = System.nanoTime();
        var first = CompletableFuture.supplyAsync(() -> painter.paint(request));
        var second = CompletableFuture.supplyAsync(() -> painter.paint(request));
        Mat painted = first.join();
        second.join();
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis >= 400, "two jobs on one stand-in accelerator take twice the service time: " + millis);
        Mat diff = new Mat();
        Core.absdiff(image, painted, diff);
        assertEquals(0.0, Core.sumElems(diff).val[0]);
    }
}
