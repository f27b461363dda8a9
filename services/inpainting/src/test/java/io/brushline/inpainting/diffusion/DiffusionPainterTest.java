package io.brushline.inpainting.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Category;
import io.brushline.inpainting.PaintRequest;
import io.brushline.inpainting.PasteBack;
import io.brushline.inpainting.TestImages;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
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

/** The painters end to end on tiny random-weight models with the real signatures. */
class DiffusionPainterTest {

    private static final Sampling SAMPLING = new Sampling(4, Scheduler.Kind.DPM_SOLVER_MULTISTEP, 7.5, 64);

    private static SdInpaintingPainter sd;
    private static BrushNetPainter brushNet;
    private static InstructPix2PixPainter instruct;

    @BeforeAll
    static void loadModels() {
        ImageCodec.init();
        sd = new SdInpaintingPainter(tiny("sd-inpainting"), Device.cpu(), SAMPLING);
        brushNet = new BrushNetPainter(tiny("brushnet"), Device.cpu(), SAMPLING, 1.0);
        instruct = new InstructPix2PixPainter(tiny("instruct-pix2pix"), Device.cpu(), SAMPLING, 1.5);
    }

    @AfterAll
    static void closeModels() {
        sd.close();
        brushNet.close();
        instruct.close();
    }

    static Path tiny(String name) {
        try {
            return Path.of(DiffusionPainterTest.class.getResource("/tiny/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
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

    @Test
    void promptsBecome77TokenIdsPaddedWithTheEndToken() {
        try (var text = new TextEncoder(tiny("sd-inpainting"), Device.cpu())) {
            long[] ids = text.tokenIds("a photo of the dog");
            assertEquals(TextEncoder.LENGTH, ids.length);
            assertArrayEquals(new long[] {1, 4, 5, 6, 7, 8, 2, 2}, Arrays.copyOf(ids, 8));
            assertEquals(2, ids[76]);
            long[] truncated = text.tokenIds("dog ".repeat(100));
            assertEquals(1, truncated[0]);
            assertEquals(8, truncated[75]);
            assertEquals(2, truncated[76]);
            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                NDArray embeddings = text.encode(manager, List.of("a dog", ""));
                assertEquals(new Shape(2, 77, 8), embeddings.getShape());
            }
        }
    }
}
