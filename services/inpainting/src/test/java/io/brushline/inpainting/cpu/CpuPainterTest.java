package io.brushline.inpainting.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.CpuOperation;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import io.brushline.inpainting.TestImages;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

class CpuPainterTest {

    private static final int FEATHER = 4;
    private static final Map<String, String> RED = Map.of("colour", "#ff0000");

    private final CpuPainter painter = new CpuPainter();
    private static Mat photo;
    private static Mat objectMask;
    private static Mat otherShape;

    @BeforeAll
    static void loadPhoto() {
        boolean present = Files.isDirectory(TestImages.imagesDir());
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("shared test photos missing at " + TestImages.imagesDir());
        }
        assumeTrue(present, "shared test photos missing at " + TestImages.imagesDir());
        // a quarter of the size keeps the slow stylisations quick; the guarantees do not depend on size
        photo = half(half(ImageCodec.decodeColor(TestImages.bytes("iopaint_dog_on_bench.jpg"), "photo")));
        Mat mask = ImageCodec.decodeMask(TestImages.bytes("masks/iopaint_dog_on_bench__dog.png"), "mask");
        objectMask = new Mat();
        Imgproc.resize(mask, objectMask, photo.size(), 0, 0, Imgproc.INTER_NEAREST);
        otherShape = half(ImageCodec.decodeColor(TestImages.bytes("sam_truck.jpg"), "background"));
    }

    /** Every operation, run twice on the same input: identical bytes, and nothing outside the mask moved. */
    @ParameterizedTest
    @EnumSource(CpuOperation.class)
    void everyOperationIsDeterministicAndKeepsEveryPixelOutsideTheMask(CpuOperation operation) {
        Mat mask = operation.category() == Category.BACKGROUND ? inverted(objectMask) : objectMask;
        Map<String, String> params = operation == CpuOperation.RECOLOUR || operation == CpuOperation.BACKGROUND_COLOUR
                ? RED : Map.of();
        Mat first = painter.paint(operation, params, photo, mask, FEATHER, () -> otherShape).image();
        Mat second = painter.paint(operation, params, photo, mask, FEATHER, () -> otherShape).image();
        assertArrayEquals(ImageCodec.encodePng(first), ImageCodec.encodePng(second), operation + " is deterministic");
        assertEquals(photo.size(), first.size());

        Mat colours = first;
        if (operation == CpuOperation.BACKGROUND_TRANSPARENT) {
            List<Mat> channels = new ArrayList<>();
            Core.split(first, channels);
            Mat alpha = channels.remove(3);
            colours = new Mat();
            Core.merge(channels, colours);
            assertEquals(0, TestImages.differingPixels(colours, photo, everywhere()), "colours are the photo's");
            Mat opaque = new Mat(alpha.size(), alpha.type(), new Scalar(255));
            assertEquals(0, TestImages.differingPixels(alpha, opaque, TestImages.inverted(mask)),
                    "the subject stays opaque");
            assertTrue(Core.countNonZero(alpha) < alpha.total(), "the background became transparent");
            return;
        }
        assertEquals(0, TestImages.differingPixels(first, photo, TestImages.inverted(mask)),
                operation + " changed pixels outside the mask");
        assertTrue(TestImages.differingPixels(first, photo, mask) > 0, operation + " changed nothing inside the mask");
    }

    /** A GLOBAL operation with a hint mask edits only the hinted region. */
    @Test
    void aGlobalOperationOnAPartialMaskIsPastedBack() {
        Mat result = painter.paint(CpuOperation.SEPIA, Map.of(), photo, objectMask, FEATHER, () -> null).image();
        assertEquals(0, TestImages.differingPixels(result, photo, TestImages.inverted(objectMask)));
        Mat whole = painter.paint(CpuOperation.SEPIA, Map.of(), photo, everywhere(), FEATHER, () -> null).image();
        assertTrue(TestImages.differingPixels(whole, photo, TestImages.inverted(objectMask)) > 0);
    }

    @Test
    void anEmptyMaskIsAClearErrorForEveryOperation() {
        Mat empty = Mat.zeros(photo.size(), CvType.CV_8UC1);
        for (CpuOperation operation : CpuOperation.values()) {
            var failure = assertThrows(StageFailure.class,
                    () -> painter.paint(operation, RED, photo, empty, FEATHER, () -> otherShape), operation.name());
            assertEquals(FailureCodes.EMPTY_MASK, failure.code());
            assertTrue(failure.getMessage().startsWith("the region to edit is empty")
                    || failure.getMessage().startsWith("there is no background"), failure.getMessage());
        }
    }

    @Test
    void aBackgroundImageOfAnotherShapeIsScaledToCoverAndTheJobSaysSo() {
        var painted = painter.paint(CpuOperation.BACKGROUND_IMAGE, Map.of(), photo, inverted(objectMask), FEATHER,
                () -> otherShape);
        assertNotNull(painted.note());
        assertTrue(painted.note().contains("scaled to cover"), painted.note());
        Mat sameShape = new Mat();
        Imgproc.resize(otherShape, sameShape, new Size(photo.cols() * 2, photo.rows() * 2));
        assertNull(painter.paint(CpuOperation.BACKGROUND_IMAGE, Map.of(), photo, inverted(objectMask), FEATHER,
                () -> sameShape).note());
        Mat covered = CpuPainter.cover(otherShape, new Size(300, 100));
        assertEquals(new Size(300, 100), covered.size());
    }

    @Test
    void aBackgroundImageThatIsNoImageFailsBeforeAnythingIsWritten() {
        var failure = assertThrows(StageFailure.class, () -> painter.paint(CpuOperation.BACKGROUND_IMAGE, Map.of(),
                photo, inverted(objectMask), FEATHER, () -> ImageCodec.decodeColor(new byte[] {1, 2, 3}, "background image")));
        assertEquals(FailureCodes.INVALID_IMAGE, failure.code());
        assertEquals("the background image could not be decoded as an image", failure.getMessage());
    }

    @Test
    void aMissingOrMalformedColourIsAClearError() {
        var failure = assertThrows(StageFailure.class, () -> painter.paint(CpuOperation.RECOLOUR,
                Map.of("colour", "happy"), photo, objectMask, FEATHER, () -> null));
        assertTrue(failure.getMessage().contains("needs a colour"), failure.getMessage());
    }

    /**
     * Recolour on the annotated photos at full size: the edited object's mean hue is within 10 degrees
     * of the requested colour's, and its lightness keeps its structure (SSIM of L inside the mask >= 0.9).
     */
    @ParameterizedTest
    @CsvSource({
        "iopaint_dog_on_bench.jpg, masks/iopaint_dog_on_bench__dog.png, #ff0000",
        "iopaint_dog_on_bench.jpg, masks/iopaint_dog_on_bench__dog.png, #1e90ff",
        "iopaint_person.png, masks/iopaint_person__person.png, #008000",
        "iopaint_person.png, masks/iopaint_person__person.png, #ffa500",
        "brushnet_cake.jpg, masks/brushnet_cake__cake.png, #800080",
        "brushnet_cake.jpg, masks/brushnet_cake__cake.png, #ff0000",
    })
    void recolourReachesTheHueAndKeepsTheShading(String image, String maskFile, String colour) {
        Mat source = ImageCodec.decodeColor(TestImages.bytes(image), "photo");
        Mat mask = ImageCodec.decodeMask(TestImages.bytes(maskFile), "mask");
        Mat result = painter.paint(CpuOperation.RECOLOUR, Map.of("colour", colour), source, mask, FEATHER,
                () -> null).image();
        double requested = hueOf(colour);
        double achieved = meanHue(result, mask);
        double off = Math.abs(((achieved - requested) % 360 + 540) % 360 - 180);
        assertTrue(off <= 10, image + " to " + colour + ": mean hue " + achieved + ", requested " + requested);
        double ssim = ssimOfLightnessInside(source, result, mask);
        assertTrue(ssim >= 0.9, image + " to " + colour + ": SSIM of L inside the mask " + ssim);
    }

    /**
     * Black, white and grey say nothing but lightness: the object's mean lightness goes over half the way
     * there (a black car must not come out mid-grey), and its shading stays (it is not one flat tone).
     */
    @ParameterizedTest
    @CsvSource({
        "iopaint_dog_on_bench.jpg, masks/iopaint_dog_on_bench__dog.png, #000000, 0",
        "brushnet_cake.jpg, masks/brushnet_cake__cake.png, #000000, 0",
        "brushnet_cake.jpg, masks/brushnet_cake__cake.png, #ffffff, 255",
    })
    void blackOrWhiteMovesTheLightnessMostOfTheWay(String image, String maskFile, String colour, double targetL) {
        Mat source = ImageCodec.decodeColor(TestImages.bytes(image), "photo");
        Mat mask = ImageCodec.decodeMask(TestImages.bytes(maskFile), "mask");
        Mat result = painter.paint(CpuOperation.RECOLOUR, Map.of("colour", colour), source, mask, FEATHER,
                () -> null).image();
        double before = Core.mean(lightness(source), mask).val[0];
        double after = Core.mean(lightness(result), mask).val[0];
        assertTrue(Math.abs(after - targetL) <= 0.5 * Math.abs(before - targetL),
                image + " to " + colour + ": mean L " + before + " -> " + after);
        MatOfDouble mean = new MatOfDouble();
        MatOfDouble deviation = new MatOfDouble();
        Core.meanStdDev(lightness(result), mean, deviation, mask);
        assertTrue(deviation.get(0, 0)[0] >= 8, image + " to " + colour + ": shading kept, L deviation "
                + deviation.get(0, 0)[0]);
    }

    private static double hueOf(String hex) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        Mat pixel = new Mat(1, 1, CvType.CV_8UC3, new Scalar(rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff));
        Mat hsv = new Mat();
        Imgproc.cvtColor(pixel, hsv, Imgproc.COLOR_BGR2HSV_FULL);
        return hsv.get(0, 0)[0] * 360.0 / 256;
    }

    /** Circular mean of the hue over the mask, each pixel weighted by its saturation. */
    static double meanHue(Mat image, Mat mask) {
        Mat hsv = new Mat();
        Imgproc.cvtColor(image, hsv, Imgproc.COLOR_BGR2HSV_FULL);
        byte[] pixels = new byte[(int) hsv.total() * 3];
        hsv.get(0, 0, pixels);
        byte[] inside = new byte[(int) mask.total()];
        mask.get(0, 0, inside);
        double x = 0;
        double y = 0;
        for (int i = 0; i < inside.length; i++) {
            if (inside[i] != 0) {
                double angle = (pixels[3 * i] & 0xff) * 2 * Math.PI / 256;
                double weight = pixels[3 * i + 1] & 0xff;
                x += weight * Math.cos(angle);
                y += weight * Math.sin(angle);
            }
        }
        return (Math.toDegrees(Math.atan2(y, x)) + 360) % 360;
    }

    /** Mean of the SSIM map (Gaussian window, sigma 1.5) of the Lab lightness, over the mask. */
    static double ssimOfLightnessInside(Mat before, Mat after, Mat mask) {
        Mat x = lightness(before);
        Mat y = lightness(after);
        double c1 = Math.pow(0.01 * 255, 2);
        double c2 = Math.pow(0.03 * 255, 2);
        Mat muX = gauss(x);
        Mat muY = gauss(y);
        Mat muXX = muX.mul(muX);
        Mat muYY = muY.mul(muY);
        Mat muXY = muX.mul(muY);
        Mat sXX = new Mat();
        Core.subtract(gauss(x.mul(x)), muXX, sXX);
        Mat sYY = new Mat();
        Core.subtract(gauss(y.mul(y)), muYY, sYY);
        Mat sXY = new Mat();
        Core.subtract(gauss(x.mul(y)), muXY, sXY);
        Mat numerator = new Mat();
        Core.multiply(plus(muXY, 2, c1), plus(sXY, 2, c2), numerator);
        Mat denominator = new Mat();
        Mat sumMu = new Mat();
        Core.add(muXX, muYY, sumMu);
        Mat sumS = new Mat();
        Core.add(sXX, sYY, sumS);
        Core.multiply(plus(sumMu, 1, c1), plus(sumS, 1, c2), denominator);
        Mat map = new Mat();
        Core.divide(numerator, denominator, map);
        return Core.mean(map, mask).val[0];
    }

    private static Mat lightness(Mat bgr) {
        Mat lab = new Mat();
        Imgproc.cvtColor(bgr, lab, Imgproc.COLOR_BGR2Lab);
        List<Mat> channels = new ArrayList<>();
        Core.split(lab, channels);
        Mat l = new Mat();
        channels.get(0).convertTo(l, CvType.CV_64F);
        return l;
    }

    private static Mat gauss(Mat m) {
        Mat out = new Mat();
        Imgproc.GaussianBlur(m, out, new Size(11, 11), 1.5);
        return out;
    }

    /** scale * m + c */
    private static Mat plus(Mat m, double scale, double c) {
        Mat out = new Mat();
        m.convertTo(out, -1, scale, c);
        return out;
    }

    private static Mat half(Mat image) {
        Mat out = new Mat();
        Imgproc.resize(image, out, new Size(image.cols() / 2, image.rows() / 2), 0, 0, Imgproc.INTER_AREA);
        return out;
    }

    private static Mat inverted(Mat mask) {
        Mat out = new Mat();
        Core.bitwise_not(mask, out);
        return out;
    }

    private static Mat everywhere() {
        return new Mat(photo.size(), CvType.CV_8UC1, new Scalar(255));
    }
}
