package io.brushline.inpainting.diffusion;

import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;

/**
 * Lanczos-3 resampling as Pillow does it, which is what the Stable-Diffusion pipelines resize their
 * inputs with: the kernel widens with the downscale factor (so a large photo is smoothed, not
 * aliased), one horizontal pass then one vertical pass, each in 22-bit fixed point rounded back to
 * 8 bits. Hand-written because OpenCV's {@code INTER_LANCZOS4} keeps a fixed 8-tap kernel and
 * {@code INTER_AREA} is a box filter: both give different pixels than the models were fed in training
 * and in the reference pipelines.
 */
final class LanczosResampler {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 3;

    private LanczosResampler() {
    }

    /** {@code image} (8-bit, any channel count) resized to {@code size}; a copy when the size is unchanged. */
    static Mat resize(Mat image, Size size) {
        int channels = image.channels();
        int inWidth = image.cols();
        int inHeight = image.rows();
        int outWidth = (int) size.width;
        int outHeight = (int) size.height;
        byte[] pixels = new byte[inWidth * inHeight * channels];
        (image.isContinuous() ? image : image.clone()).get(0, 0, pixels);
        if (outWidth != inWidth) {
            pixels = horizontal(pixels, inHeight, inWidth, outWidth, channels);
        }
        if (outHeight != inHeight) {
            pixels = vertical(pixels, inHeight, outHeight, outWidth * channels);
        }
        Mat out = new Mat(outHeight, outWidth, CvType.makeType(CvType.CV_8U, channels));
        out.put(0, 0, pixels);
        return out;
    }

    /** Each row of {@code rows} (interleaved channels) from {@code inWidth} to {@code outWidth} pixels. */
    private static byte[] horizontal(byte[] in, int rows, int inWidth, int outWidth, int channels) {
        Coefficients c = Coefficients.of(inWidth, outWidth);
        byte[] out = new byte[rows * outWidth * channels];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < outWidth; x++) {
                int[] weights = c.weights[x];
                for (int ch = 0; ch < channels; ch++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    int base = (y * inWidth + c.first[x]) * channels + ch;
                    for (int k = 0; k < weights.length; k++) {
                        sum += (in[base + k * channels] & 0xff) * weights[k];
                    }
                    out[(y * outWidth + x) * channels + ch] = clip8(sum);
                }
            }
        }
        return out;
    }

    /** Each column from {@code inHeight} to {@code outHeight} rows; a row holds {@code rowLength} bytes. */
    private static byte[] vertical(byte[] in, int inHeight, int outHeight, int rowLength) {
        Coefficients c = Coefficients.of(inHeight, outHeight);
        byte[] out = new byte[outHeight * rowLength];
        for (int y = 0; y < outHeight; y++) {
            int[] weights = c.weights[y];
            int first = c.first[y];
            for (int i = 0; i < rowLength; i++) {
                int sum = 1 << (PRECISION_BITS - 1);
                for (int k = 0; k < weights.length; k++) {
                    sum += (in[(first + k) * rowLength + i] & 0xff) * weights[k];
                }
                out[y * rowLength + i] = clip8(sum);
            }
        }
        return out;
    }

    private static byte clip8(int sum) {
        int value = sum >> PRECISION_BITS;
        return (byte) Math.max(0, Math.min(255, value));
    }

    /** Per output sample: the first input sample it reads and its fixed-point weights. */
    private record Coefficients(int[] first, int[][] weights) {

        static Coefficients of(int inLength, int outLength) {
            double scale = (double) inLength / outLength;
            double filterScale = Math.max(scale, 1);
            double support = SUPPORT * filterScale;
            int[] first = new int[outLength];
            int[][] weights = new int[outLength][];
            for (int o = 0; o < outLength; o++) {
                double center = (o + 0.5) * scale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int count = Math.min((int) (center + support + 0.5), inLength) - min;
                double[] kernel = new double[count];
                double total = 0;
                for (int k = 0; k < count; k++) {
                    kernel[k] = lanczos((k + min - center + 0.5) / filterScale);
                    total += kernel[k];
                }
                int[] fixed = new int[count];
                for (int k = 0; k < count; k++) {
                    double normalised = total == 0 ? kernel[k] : kernel[k] / total;
                    double scaled = normalised * (1 << PRECISION_BITS);
                    fixed[k] = (int) (scaled < 0 ? scaled - 0.5 : scaled + 0.5);
                }
                first[o] = min;
                weights[o] = fixed;
            }
            return new Coefficients(first, weights);
        }

        private static double lanczos(double x) {
            if (x < -SUPPORT || x >= SUPPORT) {
                return 0;
            }
            return sinc(x) * sinc(x / SUPPORT);
        }

        private static double sinc(double x) {
            if (x == 0) {
                return 1;
            }
            double px = Math.PI * x;
            return Math.sin(px) / px;
        }
    }
}
