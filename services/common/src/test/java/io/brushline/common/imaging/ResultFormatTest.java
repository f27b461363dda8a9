package io.brushline.common.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class ResultFormatTest {

    @Test
    void autoFollowsTheSourceAndAnAskedFormatWins() {
        assertEquals(Optional.of(ResultFormat.JPEG), ResultFormat.requested(null, "image/jpeg"));
        assertEquals(Optional.of(ResultFormat.JPEG), ResultFormat.requested(" Auto ", "image/jpeg"));
        assertEquals(Optional.of(ResultFormat.PNG), ResultFormat.requested("", "image/png"));
        assertEquals(Optional.of(ResultFormat.PNG), ResultFormat.requested(null, "image/webp"));
        assertEquals(Optional.of(ResultFormat.PNG), ResultFormat.requested("png", "image/jpeg"));
        assertEquals(Optional.of(ResultFormat.JPEG), ResultFormat.requested("JPG", "image/png"));
        assertEquals(Optional.of(ResultFormat.JPEG), ResultFormat.requested("jpeg", "image/gif"));
    }

    @Test
    void anythingElseIsNoFormat() {
        assertEquals(Optional.empty(), ResultFormat.requested("gif", "image/jpeg"));
        assertEquals(Optional.empty(), ResultFormat.requested("image/png", "image/png"));
    }

    @Test
    void aMessageWithoutAFormatMeansPng() {
        assertEquals(ResultFormat.PNG, ResultFormat.orDefault(null));
        assertEquals(ResultFormat.JPEG, ResultFormat.orDefault(ResultFormat.JPEG));
    }

    /** A transparent background asked of a JPEG photo: JPEG cannot hold it, so that result is a PNG. */
    @Test
    void anImageWithAlphaIsAlwaysPng() {
        ImageCodec.init();
        Mat withAlpha = new Mat(4, 4, CvType.CV_8UC4, new Scalar(0, 0, 0, 0));
        Mat opaque = new Mat(4, 4, CvType.CV_8UC3, new Scalar(0, 0, 0));
        assertEquals(ResultFormat.PNG, ResultFormat.JPEG.forImage(withAlpha));
        assertEquals(ResultFormat.JPEG, ResultFormat.JPEG.forImage(opaque));
        assertEquals(ResultFormat.PNG, ResultFormat.PNG.forImage(opaque));
        withAlpha.release();
        opaque.release();
    }
}
