package io.brushline.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brushline.common.imaging.ImageCodec;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

class MaskOpsTest {

    @BeforeAll
    static void openCv() {
        ImageCodec.init();
    }

    /** The dilation over the set pixels' reach is the whole image's, pixel for pixel, at the edges too. */
    @Test
    void dilatingOnlyWhereTheMaskReachesGivesTheWholeImagesDilation() {
        Random random = new Random(7);
        for (int round = 0; round < 40; round++) {
            Mat mask = Mat.zeros(60 + random.nextInt(80), 60 + random.nextInt(80), CvType.CV_8UC1);
            for (int blob = 0; blob < 1 + random.nextInt(3); blob++) {
                Imgproc.ellipse(mask, new Point(random.nextInt(mask.cols()), random.nextInt(mask.rows())),
                        new Size(1 + random.nextInt(20), 1 + random.nextInt(20)), random.nextInt(180), 0, 360,
                        new Scalar(255), Imgproc.FILLED);
            }
            int radius = 1 + random.nextInt(12);
            Mat kernel = Imgproc.getStructuringElement(Imgproc.MORPH_ELLIPSE, new Size(2 * radius + 1, 2 * radius + 1));
            Mat whole = new Mat();
            Imgproc.dilate(mask, whole, kernel);

            Mat dilated = MaskOps.dilate(mask, radius);
            Mat difference = new Mat();
            Core.absdiff(whole, dilated, difference);
            assertEquals(0, Core.countNonZero(difference), "round " + round + ", radius " + radius);
        }
    }

    @Test
    void anEmptyMaskStaysEmptyAndRadiusZeroIsTheSameMask() {
        Mat empty = Mat.zeros(20, 30, CvType.CV_8UC1);
        assertEquals(0, Core.countNonZero(MaskOps.dilate(empty, 5)));
        assertEquals(empty, MaskOps.dilate(empty, 0));
    }
}
