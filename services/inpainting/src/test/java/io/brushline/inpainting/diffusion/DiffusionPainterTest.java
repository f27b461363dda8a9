package io.brushline.inpainting.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Category;
import io.brushline.inpainting.PaintRequest;
import io.brushline.inpainting.PasteBack;
import io.brushline.inpainting.TestImages;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/** The painters end to end on the golden tiny random-weight models of the real architectures. */
class DiffusionPainterTest {

    private static final Sampling SAMPLING = new Sampling(4, Scheduler.Kind.DPM_SOLVER_MULTISTEP, 7.5, 128);

    private static SdInpaintingPainter sd;
    private static BrushNetPainter brushNet;
    private static InstructPix2PixPainter instruct;

    @BeforeAll
    static void loadModels() {
        ImageCodec.init();
        sd = new SdInpaintingPainter(tiny("sd-inpainting"), ModelDevice.cpu(), SAMPLING);
        brushNet = new BrushNetPainter(tiny("brushnet"), ModelDevice.cpu(), SAMPLING, 1.0);
        instruct = new InstructPix2PixPainter(tiny("instruct-pix2pix"), ModelDevice.cpu(), SAMPLING, 1.5);
    }

    @AfterAll
    static void closeModels() {
        sd.close();
        brushNet.close();
        instruct.close();
    }

    private static Path tiny(String name) {
        return Goldens.model(name);
    }

    private static PaintRequest request(int width, int height, long seed) {
        Mat image = new Mat(height, width, CvType.CV_8UC3);
        Core.setRNGSeed((int) seed);
        Core.randu(image, 0, 256);
        Mat mask = Mat.zeros(height, width, CvType.CV_8UC1);
        Imgproc.circle(mask, new Point(width / 2.0, height / 2.0), Math.min(width, height) / 4, new Scalar(255), -1);
        return new PaintRequest(image, mask, Category.LOCAL, "dog", "a photo of a cat", "dog", seed,
                "make the dog a cat");
    }

    private static double maxDifference(Mat a, Mat b) {
        Mat diff = new Mat();
        Core.absdiff(a, b, diff);
        return Core.minMaxLoc(diff.reshape(1)).maxVal;
    }

    @Test
    void everyPainterReturnsAnImageOfTheSourceSize() {
        PaintRequest request = request(90, 50, 7);
        for (var painter : List.of(sd, brushNet, instruct)) {
            Mat painted = painter.paint(request);
            assertEquals(request.image().size(), painted.size(), painter.name());
            assertEquals(CvType.CV_8UC3, painted.type(), painter.name());
        }
    }

    @Test
    void theSameSeedPaintsTheSamePixelsAndAnotherSeedOthers() {
        Mat first = sd.paint(request(64, 64, 11));
        Mat again = sd.paint(request(64, 64, 11));
        PaintRequest otherSeed = request(64, 64, 11);
        Mat other = sd.paint(new PaintRequest(otherSeed.image(), otherSeed.mask(), otherSeed.category(),
                otherSeed.object(), otherSeed.prompt(), otherSeed.negativePrompt(), 12, otherSeed.instruction()));
        assertEquals(0, maxDifference(first, again));
        assertTrue(maxDifference(first, other) > 0);
    }

    @Test
    void aBatchPaintsWhatSingleRunsPaint() {
        // Same working size (same aspect ratio), different seeds, images and masks.
        List<PaintRequest> requests = IntStream.range(0, 3).mapToObj(i -> request(128, 96 + i, 20 + i)).toList();
        assertEquals(sd.batchKey(requests.get(0)), sd.batchKey(requests.get(2)));
        for (var painter : List.of(sd, brushNet, instruct)) {
            List<Mat> batched = painter.paintAll(requests);
            for (int i = 0; i < requests.size(); i++) {
                Mat single = painter.paint(requests.get(i));
                // Batched and single convolutions may differ in the last float bits: at most one level.
                assertTrue(maxDifference(batched.get(i), single) <= 1, painter.name() + " request " + i);
            }
        }
    }

    @Test
    void pasteBackKeepsTheSourceOutsideTheMask() {
        PaintRequest request = request(80, 60, 3);
        Mat painted = sd.paint(request);
        Mat result = PasteBack.compose(request.image(), painted, request.mask(), 3);
        Mat outside = TestImages.inverted(request.mask());
        assertTrue(TestImages.differingPixels(painted, request.image(), outside) > 0, "the model repainted everything");
        assertEquals(0, TestImages.differingPixels(result, request.image(), outside));
    }
}
