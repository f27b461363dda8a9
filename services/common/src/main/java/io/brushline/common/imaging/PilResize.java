package io.brushline.common.imaging;

import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Resizing of 8-bit images that gives the same bytes as Pillow's {@code Image.resize(..., filter)}, the
 * resize of the reference pipelines: GroundingDINO's and Segment Anything's preprocessors use the
 * bilinear filter, the Stable-Diffusion pipelines Lanczos. OpenCV's interpolations differ on
 * downscaling, where Pillow widens the filter by the scale (an antialiasing average; OpenCV's
 * INTER_LINEAR samples only the two nearest pixels, INTER_LANCZOS4 keeps a fixed 8-tap kernel and
 * INTER_AREA is a box filter): the models would then see different pixels than they were fed in
 * training and in the reference pipelines.
 *
 * <p>Hand-written because no Java library reproduces Pillow's arithmetic: per axis, the filter's support
 * widened by {@code max(scale, 1)}, weights normalised and fixed to 22 fractional bits, the horizontal
 * pass first, rounded to bytes between the passes; an axis whose size does not change is not filtered.
 */
public final class PilResize {

    /** The Pillow filters the pipelines use, each with its support (half-width at scale 1). */
    public enum Filter {

        /** {@code Image.BILINEAR}: a triangle of support 1. */
        BILINEAR(1) {
            @Override
            double weight(double x) {
                double distance = Math.abs(x);
                return distance < 1 ? 1 - distance : 0;
            }
        },

        /** {@code Image.LANCZOS}: Lanczos-3, a sinc windowed by a sinc three times as wide. */
        LANCZOS(3) {
            @Override
            double weight(double x) {
                if (x < -3 || x >= 3) {
                    return 0;
                }
                return sinc(x) * sinc(x / 3);
            }

            private static double sinc(double x) {
                if (x == 0) {
                    return 1;
                }
                double px = Math.PI * x;
                return Math.sin(px) / px;
            }
        };

        private final double support;

        Filter(double support) {
            this.support = support;
        }

        /** The filter's weight at {@code x} input samples from the centre, at scale 1. */
        abstract double weight(double x);
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {
    }

    /**
     * {@code image} (8-bit, any number of channels) resized to {@code width x height} with {@code filter};
     * always a new image, a copy when the size is unchanged.
     */
    public static Mat resize(Mat image, int width, int height, Filter filter) {
        if (image.depth() != CvType.CV_8U) {
            throw new IllegalArgumentException("PilResize takes 8-bit images");
        }
        int channels = image.channels();
        int inWidth = image.cols();
        int inHeight = image.rows();
        byte[] pixels = new byte[inWidth * inHeight * channels];
        if (image.isContinuous()) {
            image.get(0, 0, pixels);
        } else {
            // a view (submat): its rows are copied into one buffer, which is freed at once
            Mat copy = image.clone();
            try {
                copy.get(0, 0, pixels);
            } finally {
                copy.release();
            }
        }
        if (width != inWidth) {
            pixels = horizontal(pixels, inWidth, inHeight, channels, width, filter);
        }
        if (height != inHeight) {
            pixels = vertical(pixels, width * channels, inHeight, height, filter);
        }
        Mat out = new Mat(height, width, CvType.makeType(CvType.CV_8U, channels));
        out.put(0, 0, pixels);
        return out;
    }

    /** For each output index, the first input index it reads and its fixed-point weights. */
    private record Coefficients(int[] first, int[][] weights) {

        static Coefficients of(int inSize, int outSize, Filter filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support * filterScale;
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
                    w[i] = filter.weight((i + min - centre + 0.5) * inverse);
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

    /** Each row of {@code rows} (interleaved channels) from {@code inWidth} to {@code outWidth} pixels. */
    private static byte[] horizontal(byte[] in, int inWidth, int rows, int channels, int outWidth, Filter filter) {
        Coefficients c = Coefficients.of(inWidth, outWidth, filter);
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

    /** Each column from {@code inHeight} to {@code outHeight} rows; a row holds {@code stride} bytes. */
    private static byte[] vertical(byte[] in, int stride, int inHeight, int outHeight, Filter filter) {
        Coefficients c = Coefficients.of(inHeight, outHeight, filter);
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
