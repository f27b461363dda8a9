package io.brushline.inpainting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.imaging.ResultFormat;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class PaintingServiceTest {

    private final PaintingService service = new PaintingService(new PainterRegistry(Map.of(),
            new ClassicalFill(ClassicalFill.Method.FSR_FAST, 5, 512), Optional.empty(), Optional.empty()),
            new PaintBatcher(1, Duration.ZERO));

    private static Classification remove(String object) {
        return new Classification(Category.REMOVE, object, "a bench in a park", null, null, "rules");
    }

    private static final String DOG_PHOTO = "iopaint_dog_on_bench.jpg";
    private static final String DOG_MASK = "masks/iopaint_dog_on_bench__dog.png";

    /** The dog removed from its bench, the result encoded as {@code format}. */
    private PaintingService.Painted removeTheDog(ResultFormat format) {
        return service.paint("job-1", "remove the dog", TestImages.bytes(DOG_PHOTO), TestImages.bytes(DOG_MASK),
                remove("dog"), 4, PaintBatcher.Lane.EDITS, format);
    }

    @Test
    void removeFillsTheHoleAndKeepsEverythingElse() {
        var painted = removeTheDog(ResultFormat.PNG);

        Mat sourceImage = ImageCodec.decodeColor(TestImages.bytes(DOG_PHOTO), "source");
        Mat maskImage = ImageCodec.decodeMask(TestImages.bytes(DOG_MASK), "mask");
        Mat result = ImageCodec.decodeColor(painted.encoded(), "result");
        assertEquals(sourceImage.cols(), painted.width());
        assertEquals(sourceImage.rows(), painted.height());
        assertEquals(0, TestImages.differingPixels(result, sourceImage, TestImages.inverted(maskImage)));
        assertTrue(TestImages.differingPixels(result, sourceImage, maskImage) > Core.countNonZero(maskImage) / 2,
                "the hole was repainted");
        assertEquals("classical-fsr-fast", painted.painter());
    }

    /** A JPEG result keeps what the edit did not touch within JPEG's error, and is a JPEG file. */
    @Test
    void aJpegResultIsAJpegOfTheSameEdit() {
        var png = removeTheDog(ResultFormat.PNG);
        var jpeg = removeTheDog(ResultFormat.JPEG);

        assertEquals((byte) 0xFF, jpeg.encoded()[0]);
        assertEquals((byte) 0xD8, jpeg.encoded()[1]);
        assertTrue(jpeg.encoded().length < png.encoded().length / 2,
                jpeg.encoded().length + " bytes against the PNG's " + png.encoded().length);
        Mat lossless = ImageCodec.decodeColor(png.encoded(), "png result");
        Mat lossy = ImageCodec.decodeColor(jpeg.encoded(), "jpeg result");
        assertTrue(Core.PSNR(lossless, lossy) > 38, "PSNR " + Core.PSNR(lossless, lossy));
    }

    @Test
    void categoriesWithoutAPainterFailWithTheReason() {
        byte[] source = TestImages.bytes(DOG_PHOTO);
        byte[] mask = TestImages.bytes(DOG_MASK);
        var local = new Classification(Category.LOCAL, "dog", "a cat on a bench", null, null, "rules");
        var failure = assertThrows(StageFailure.class, () -> service.paint("job-2", "make the dog a cat", source, mask,
                local, 4, PaintBatcher.Lane.EDITS, ResultFormat.PNG));
        assertEquals(FailureCodes.NO_PAINTER, failure.code());
        assertTrue(failure.getMessage().contains("brushline.inpainting.diffusion.model-dir"), failure.getMessage());
    }

    @Test
    void aMaskOfAnotherSizeIsRefused() {
        byte[] source = TestImages.bytes(DOG_PHOTO);
        byte[] mask = TestImages.bytes("masks/iopaint_person__person.png");
        var failure = assertThrows(StageFailure.class, () -> service.paint("job-3", "remove the dog", source, mask,
                remove("dog"), 4, PaintBatcher.Lane.EDITS, ResultFormat.PNG));
        assertTrue(failure.getMessage().contains("256x256"), failure.getMessage());
    }

    /** Native memory is freed when the job ends, not when the collector gets round to the matrices. */
    @Test
    void theJobsMatricesAreReleasedWhenItEnds() {
        List<Mat> seen = new ArrayList<>();
        Painter identity = TestPainters.painter("identity", request -> {
            Mat painted = request.image().clone();
            seen.addAll(List.of(request.image(), request.mask(), painted));
            return painted;
        });
        var releasing = new PaintingService(new PainterRegistry(Map.of(), identity, Optional.empty(), Optional.empty()),
                new PaintBatcher(1, Duration.ZERO));
        byte[] source = TestImages.bytes(DOG_PHOTO);
        byte[] mask = TestImages.bytes(DOG_MASK);
        var painted = releasing.paint("job-5", "remove the dog", source, mask, remove("dog"), 4,
                PaintBatcher.Lane.EDITS, ResultFormat.PNG);

        assertEquals(ImageCodec.decodeColor(source, "source").cols(), painted.width());
        assertEquals(3, seen.size());
        for (Mat mat : seen) {
            assertTrue(mat.empty(), "released: " + mat);
        }
    }

    @Test
    void removeAsksForAnEmptySceneWithTheObjectAsNegativePrompt() {
        Mat image = new Mat(8, 8, CvType.CV_8UC3, new Scalar(0));
        var request = PaintingService.request("job-4", "remove the dog", image, image, remove("dog"));
        assertEquals(PaintingService.REMOVAL_PROMPT, request.prompt());
        assertEquals("dog", request.negativePrompt());
    }

    @Test
    void seedsAreStablePerJobAndDifferAcrossJobs() {
        assertEquals(PaintingService.seedFor("job-a"), PaintingService.seedFor("job-a"));
        assertNotEquals(PaintingService.seedFor("job-a"), PaintingService.seedFor("job-b"));
    }
}
