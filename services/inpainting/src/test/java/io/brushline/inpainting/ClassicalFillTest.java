package io.brushline.inpainting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.messages.Category;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

class ClassicalFillTest {

    static {
        io.brushline.common.imaging.ImageCodec.init();
    }

    /**
     * On a flat wall every method must rebuild the wall, whether it works at full size or scaled down
     * ({@code maxSide} below the hole's region), and leave the rest of the image alone.
     */
    @ParameterizedTest
    @CsvSource({"TELEA, 512", "NAVIER_STOKES, 512", "FSR_FAST, 512", "SHIFT_MAP, 512", "PATCH_MATCH, 512", "TELEA, 40", "FSR_FAST, 40",
        "PATCH_MATCH, 40"})
    void rebuildsAFlatBackground(ClassicalFill.Method method, int maxSide) {
        Mat image = new Mat(160, 200, CvType.CV_8UC3, new Scalar(40, 120, 200));
        Mat mask = Mat.zeros(160, 200, CvType.CV_8UC1);
        Imgproc.circle(mask, new Point(100, 80), 30, new Scalar(255), -1);
        Mat withHole = image.clone();
        withHole.setTo(new Scalar(255, 0, 255), mask);

        Mat filled = new ClassicalFill(method, 5, maxSide)
                .paint(new PaintRequest(withHole, mask, Category.REMOVE, null, null, null, 0, null));

        assertEquals(image.size(), filled.size());
        assertEquals(0, TestImages.differingPixels(filled, withHole, TestImages.inverted(mask)));
        Scalar meanInHole = Core.mean(filled, mask);
        for (int c = 0; c < 3; c++) {
            assertTrue(Math.abs(meanInHole.val[c] - image.get(0, 0)[c]) < 3, method + " channel " + c + ": "
                    + meanInHole);
        }
    }

    /**
     * A hole at the image's edge, in a region whose sides are not whole blocks of the frequency-selective
     * fill: every pixel of it is rebuilt, none left as the method's unwritten green.
     */
    @ParameterizedTest
    @CsvSource({"FSR_FAST, 150, 203", "FSR_FAST, 163, 170", "TELEA, 150, 203"})
    void aHoleAtTheEdgeIsFilledToTheLastRowAndColumn(ClassicalFill.Method method, int height, int width) {
        Mat image = new Mat(height, width, CvType.CV_8UC3, new Scalar(160, 170, 180));
        Mat mask = Mat.zeros(height, width, CvType.CV_8UC1);
        Imgproc.rectangle(mask, new Point(width - 70, height - 50), new Point(width - 1, height - 1), new Scalar(255), -1);
        Mat withHole = image.clone();
        withHole.setTo(new Scalar(0, 255, 0), mask);

        Mat filled = new ClassicalFill(method, 5, 512)
                .paint(new PaintRequest(withHole, mask, Category.REMOVE, null, null, null, 0, null));

        Mat error = new Mat();
        Core.absdiff(filled, image, error);
        Mat errorGrey = new Mat();
        Imgproc.cvtColor(error, errorGrey, Imgproc.COLOR_BGR2GRAY);
        double worst = Core.minMaxLoc(errorGrey, mask).maxVal;
        assertTrue(worst < 10, method + " " + width + "x" + height + ": a pixel of the hole is off by " + worst);
    }
}
