package io.brushline.common.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * PilResize against Pillow 9 (Debian 12's python3-pil): the expected bytes are
 * {@code np.array(Image.fromarray(a).resize((w, h), Image.BILINEAR)).flatten()} for the 7x5 RGB image
 * {@code a[y, x, c] = (37 x + 91 y + 53 c) % 256}, the same image {@link #source()} builds.
 */
class PilResizeTest {

    @BeforeAll
    static void init() {
        ImageCodec.init();
    }

    private static Mat source() {
        Mat image = new Mat(5, 7, CvType.CV_8UC3);
        byte[] bytes = new byte[5 * 7 * 3];
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                for (int c = 0; c < 3; c++) {
                    bytes[(y * 7 + x) * 3 + c] = (byte) ((37 * x + 91 * y + 53 * c) % 256);
                }
            }
        }
        image.put(0, 0, bytes);
        return image;
    }

    private static int[] resized(int width, int height) {
        Mat out = PilResize.resize(source(), width, height, PilResize.Filter.BILINEAR);
        byte[] bytes = new byte[(int) out.total() * out.channels()];
        out.get(0, 0, bytes);
        int[] values = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = bytes[i] & 0xff;
        }
        return values;
    }

    @Test
    void shrinkingBothSidesAveragesLikePillow() {
        assertArrayEquals(new int[] {
            99, 127, 137, 129, 154, 131, 129, 126, 137, 106, 134, 147, 118, 132, 127, 128, 141, 127}, resized(3, 2));
    }

    @Test
    void onlyTheSideThatChangesIsFiltered() {
        assertArrayEquals(new int[] {
            19, 72, 125, 77, 130, 183, 145, 198, 200, 203, 122, 65, 110, 163, 204, 168, 221, 69, 185, 105, 86, 50, 91, 144,
            189, 132, 51, 54, 56, 109, 71, 124, 177, 129, 182, 235, 36, 89, 142, 94, 147, 200, 162, 215, 84, 220, 139, 70,
            127, 180, 221, 185, 166, 86, 69, 50, 103, 55, 108, 161}, resized(4, 5));
    }

    @Test
    void enlargingInterpolatesLikePillow() {
        assertArrayEquals(new int[] {
            0, 53, 106, 20, 73, 126, 46, 99, 152, 72, 125, 178, 98, 151, 204, 124, 177, 230, 150, 203, 243, 176, 229, 90,
            202, 139, 52, 222, 19, 72, 68, 121, 174, 88, 141, 194, 114, 167, 172, 140, 193, 64, 166, 219, 80, 192, 178, 106,
            209, 79, 129, 100, 105, 110, 78, 102, 120, 98, 87, 140, 144, 197, 101, 164, 135, 121, 153, 94, 120, 74, 120, 71,
            93, 146, 92, 119, 134, 118, 139, 91, 144, 91, 117, 170, 90, 143, 196, 110, 163, 216, 113, 166, 70, 133, 105, 90,
            122, 63, 116, 44, 89, 142, 62, 115, 168, 88, 141, 156, 114, 167, 113, 140, 193, 139, 166, 171, 165, 186, 132, 185,
            40, 93, 146, 60, 113, 166, 86, 139, 176, 112, 165, 157, 138, 149, 180, 141, 153, 138, 126, 179, 40, 152, 205, 66,
            178, 144, 92, 198, 59, 112, 108, 161, 214, 128, 181, 234, 154, 207, 196, 180, 233, 43, 206, 93, 56, 142, 29, 82,
            2, 55, 108, 28, 81, 134, 54, 107, 160, 74, 127, 180}, resized(10, 6));
    }
}
