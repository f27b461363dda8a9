package io.brushline.inpainting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
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

    @Test
    void anEmptyMaskGivesACopyOfTheSource() {
        Mat source = noise(40, 50, 5);
        Mat painted = noise(40, 50, 6);
        Mat mask = Mat.zeros(40, 50, CvType.CV_8UC1);
        Mat result = PasteBack.compose(source, painted, mask, 4);
        assertEquals(0, differingPixels(result, source));
        assertTrue(result.dataAddr() != source.dataAddr(), "a copy, not the source itself");
    }

    @Test
    void aMaskTouchingTheBorderMatchesTheWholeImageBlend() {
        Mat source = noise(80, 120, 7);
        Mat painted = noise(80, 120, 8);
        Mat mask = Mat.zeros(80, 120, CvType.CV_8UC1);
        Imgproc.rectangle(mask, new Point(0, 0), new Point(40, 79), new Scalar(255), -1);
        Imgproc.circle(mask, new Point(119, 10), 25, new Scalar(255), -1);
        for (int feather : new int[] {0, 2, 6, 30}) {
            Mat result = PasteBack.compose(source, painted, mask, feather);
            assertEquals(0, differingPixels(result, reference(source, painted, mask, feather)), "feather " + feather);
            assertEquals(0, TestImages.differingPixels(result, source, TestImages.inverted(mask)), "feather " + feather);
        }
    }

    @Test
    void aMaskOverTheWholeImageMatchesTheWholeImageBlend() {
        Mat source = noise(30, 30, 9);
        Mat painted = noise(30, 30, 10);
        Mat mask = new Mat(30, 30, CvType.CV_8UC1, new Scalar(255));
        for (int feather : new int[] {0, 4}) {
            Mat result = PasteBack.compose(source, painted, mask, feather);
            assertEquals(0, differingPixels(result, reference(source, painted, mask, feather)), "feather " + feather);
        }
    }

    /** Working on the mask's bounding box gives the same pixels as blending over the whole image. */
    @Test
    void randomMasksMatchTheWholeImageBlendBitForBit() {
        Random random = new Random(42);
        for (int trial = 0; trial < 60; trial++) {
            int rows = 16 + random.nextInt(150);
            int cols = 16 + random.nextInt(150);
            Mat source = noise(rows, cols, 100 + trial);
            Mat painted = noise(rows, cols, 200 + trial);
            Mat mask = randomMask(rows, cols, random);
            int feather = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(20);
            Mat result = PasteBack.compose(source, painted, mask, feather);
            String what = "trial " + trial + ", " + cols + "x" + rows + ", feather " + feather;
            assertEquals(0, differingPixels(result, reference(source, painted, mask, feather)), what);
            assertEquals(0, TestImages.differingPixels(result, source, TestImages.inverted(mask)), what);
        }
    }

    /** A few ellipses, rectangles or scattered pixels, sometimes off the image's edge; never thresholded. */
    private static Mat randomMask(int rows, int cols, Random random) {
        Mat mask = Mat.zeros(rows, cols, CvType.CV_8UC1);
        int shapes = 1 + random.nextInt(4);
        for (int i = 0; i < shapes; i++) {
            Point centre = new Point(random.nextInt(cols + 20) - 10, random.nextInt(rows + 20) - 10);
            switch (random.nextInt(3)) {
                case 0 -> Imgproc.ellipse(mask, centre, new Size(1 + random.nextInt(cols / 2), 1 + random.nextInt(rows / 2)),
                        random.nextInt(180), 0, 360, new Scalar(255), -1);
                case 1 -> Imgproc.rectangle(mask, centre,
                        new Point(centre.x + random.nextInt(cols / 2), centre.y + random.nextInt(rows / 2)),
                        new Scalar(255), -1);
                default -> {
                    for (int p = 0; p < 30; p++) {
                        mask.put(random.nextInt(rows), random.nextInt(cols), 255);
                    }
                }
            }
        }
        return mask;
    }

    private static int differingPixels(Mat a, Mat b) {
        return TestImages.differingPixels(a, b, new Mat(a.size(), CvType.CV_8UC1, new Scalar(255)));
    }

    /** The paste-back as it was before it kept to the mask's bounding box: blends over the whole image. */
    private static Mat reference(Mat source, Mat painted, Mat mask, int featherPx) {
        Mat inside = new Mat();
        Core.compare(mask, new Scalar(0), inside, Core.CMP_GT);
        Mat alpha = new Mat();
        if (featherPx <= 0) {
            inside.convertTo(alpha, CvType.CV_32F, 1.0 / 255);
        } else {
            Mat distance = new Mat();
            Imgproc.distanceTransform(inside, distance, Imgproc.DIST_L2, Imgproc.DIST_MASK_PRECISE);
            Core.multiply(distance, new Scalar(1.0 / (featherPx + 1)), alpha);
            Core.min(alpha, new Scalar(1.0), alpha);
        }
        Mat keep = new Mat();
        Core.subtract(Mat.ones(alpha.size(), CvType.CV_32F), alpha, keep);
        Mat result = new Mat();
        Imgproc.blendLinear(painted, source, alpha, keep, result);
        source.copyTo(result, TestImages.inverted(mask));
        return result;
    }
}
