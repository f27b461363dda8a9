package io.brushline.common.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.brushline.common.stage.StageFailure;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

class ImageCodecTest {

    static {
        ImageCodec.init();
    }

    @Test
    void aPngResultDecodesToExactlyThePixelsEncoded() {
        Mat noise = new Mat(97, 131, CvType.CV_8UC3);
        Core.randu(noise, 0, 256);
        Mat decoded = ImageCodec.decodeColor(ImageCodec.encodePng(noise), "result");
        Mat difference = new Mat();
        Core.absdiff(noise, decoded, difference);
        assertEquals(0.0, Core.norm(difference, Core.NORM_INF), "largest pixel difference after a PNG round trip");
    }

    @Test
    void bytesThatAreNoImageFailTheJobInWords() {
        StageFailure failure = assertThrows(StageFailure.class,
                () -> ImageCodec.decodeColor("not an image".getBytes(), "source image"));
        assertEquals("the source image could not be decoded as an image", failure.getMessage());
    }
}
