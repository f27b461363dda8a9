package io.brushline.common.imaging;

import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Bilinear resizing of 8-bit images that gives the same bytes as Pillow's {@code Image.resize(...,
 * BILINEAR)}, which the reference preprocessors of GroundingDINO and Segment Anything use. OpenCV's
 * INTER_LINEAR samples only the two nearest pixels, so it differs on downscaling, where Pillow widens
 * the triangle filter to the scale (an antialiasing average): the models then see different pixels.
 *
 * <p>Hand-written because no Java library reproduces Pillow's arithmetic: per axis, a triangle filter of
 * support {@code max(scale, 1)}, weights normalised and fixed to 22 fractional bits, the horizontal pass
 * first, rounded to bytes between the passes; an axis whose size does not change is not filtered.
 */
public final class PilResize {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {
    }

    /** {@code image} (8-bit, any number of channels) resized to {@code width x height}. */
    public static Mat bilinear(Mat image, int width, int height) {
        if (image.depth() != CvType.CV_8U) {
            throw new IllegalArgumentException("PilResize takes 8-bit images");
        }
        int channels = image.channels();
        byte[] pixels = new byte[(int) image.total() * channels];
        image.get(0, 0, pixels);
        int inWidth = image.cols();
        int inHeight = image.rows();
        if (width != inWidth) {
            pixels = horizontal(pixels, inWidth, inHeight, channels, width);
        }
        if (height != inHeight) {
            pixels = vertical(pixels, width, inHeight, channels, height);
        }
        Mat out = new Mat(height, width, CvType.makeType(CvType.CV_8U, channels));
        out.put(0, 0, pixels);
        return out;
    }

    /** For each output index, the first input index it reads and its fixed-point weights. */
    private record Coefficients(int[] first, int[][] weights) {

        static Coefficients of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // the triangle filter's support is 1, widened by the scale
            double inverse = 1.0 / filterScale;
            int[] first = new int[outSize];
            int[][] weights = new int[outSize][];
            for (int out = 0; out < outSize; out++) {
                double centre = (out + 0.5) * scale;
                int min = Math.max(0, (int) (centre - support + 0.5));
                int max = Math.min(inSize, (int) (centre + support + 0.5));
                double[] w = new double[max - min];
                double sum = 0;
                for (int i = 0; i < w.length; i++) {
                    double distance = Math.abs((i + min - centre + 0.5) * inverse);
                    w[i] = distance < 1 ? 1 - distance : 0;
                    sum += w[i];
                }
                int[] fixed = new int[w.length];
                for (int i = 0; i < w.length; i++) {
                    double normalised = sum == 0 ? w[i] : w[i] / sum;
                    double scaled = normalised * (1 << PRECISION_BITS);
                    fixed[i] = (int) (normalised < 0 ? scaled - 0.5 : scaled + 0.5);
                }
                first[out] = min;
                weights[out] = fixed;
            }
            return new Coefficients(first, weights);
        }
    }

    private static byte[] horizontal(byte[] in, int inWidth, int rows, int channels, int outWidth) {
        Coefficients c = Coefficients.of(inWidth, outWidth);
        byte[] out = new byte[outWidth * rows * channels];
        for (int y = 0; y < rows; y++) {
            int row = y * inWidth * channels;
            for (int x = 0; x < outWidth; x++) {
                int[] w = c.weights()[x];
                for (int ch = 0; ch < channels; ch++) {
                    long sum = 1L << (PRECISION_BITS - 1);
                    for (int i = 0; i < w.length; i++) {
                        sum += (long) (in[row + (c.first()[x] + i) * channels + ch] & 0xff) * w[i];
                    }
                    out[(y * outWidth + x) * channels + ch] = clip(sum);
                }
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int width, int inHeight, int channels, int outHeight) {
        Coefficients c = Coefficients.of(inHeight, outHeight);
        int stride = width * channels;
        byte[] out = new byte[outHeight * stride];
        for (int y = 0; y < outHeight; y++) {
            int[] w = c.weights()[y];
            for (int k = 0; k < stride; k++) {
                long sum = 1L << (PRECISION_BITS - 1);
                for (int i = 0; i < w.length; i++) {
                    sum += (long) (in[(c.first()[y] + i) * stride + k] & 0xff) * w[i];
                }
                out[y * stride + k] = clip(sum);
            }
        }
        return out;
    }

    private static byte clip(long sum) {
        long value = sum >> PRECISION_BITS;
        return (byte) Math.max(0, Math.min(255, value));
    }
}
