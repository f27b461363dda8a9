package io.brushline.inpainting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

class PasteBackTest {

    static {
        io.brushline.common.imaging.ImageCodec.init();
    }

    private static Mat noise(int rows, int cols, long seed) {
        Mat image = new Mat(rows, cols, CvType.CV_8UC3);
        Core.setRNGSeed((int) seed);
        Core.randu(image, 0, 256);
        return image;
    }

    private static Mat discMask(int rows, int cols) {
        Mat mask = Mat.zeros(rows, cols, CvType.CV_8UC1);
        Imgproc.circle(mask, new Point(cols / 2.0, rows / 2.0), Math.min(rows, cols) / 3, new Scalar(255), -1);
        return mask;
    }

    @Test
    void pixelsOutsideTheMaskAreTheSourceExactly() {
        Mat source = noise(97, 131, 1);
        Mat painted = noise(97, 131, 2);
        Mat mask = discMask(97, 131);
        for (int feather : new int[] {0, 3, 12}) {
            Mat result = PasteBack.compose(source, painted, mask, feather);
            assertEquals(0, TestImages.differingPixels(result, source, TestImages.inverted(mask)), "feather " + feather);
        }
    }

    @Test
    void hardEdgeTakesEveryMaskPixelFromThePainting() {
        Mat source = noise(64, 64, 3);
        Mat painted = noise(64, 64, 4);
        Mat mask = discMask(64, 64);
        Mat result = PasteBack.compose(source, painted, mask, 0);
        assertEquals(0, TestImages.differingPixels(result, painted, mask));
    }

    @Test
    void featherFadesInOnlyInsideTheMask() {
        Mat source = new Mat(64, 64, CvType.CV_8UC3, new Scalar(0, 0, 0));
        Mat painted = new Mat(64, 64, CvType.CV_8UC3, new Scalar(200, 200, 200));
        Mat mask = Mat.zeros(64, 64, CvType.CV_8UC1);
        Imgproc.rectangle(mask, new Point(16, 16), new Point(47, 47), new Scalar(255), -1);
        Mat result = PasteBack.compose(source, painted, mask, 4);
        double edge = result.get(32, 16)[0];
        double nearEdge = result.get(32, 18)[0];
        double centre = result.get(32, 32)[0];
        assertEquals(0, result.get(32, 15)[0], "just outside the mask");
        assertTrue(edge > 0 && edge < nearEdge && nearEdge < centre, edge + " < " + nearEdge + " < " + centre);
        assertEquals(200, centre, "deep inside the mask");
    }
}
