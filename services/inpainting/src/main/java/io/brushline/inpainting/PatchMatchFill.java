package io.brushline.inpainting;

import java.util.Arrays;
import java.util.Random;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.photo.Photo;

/**
 * Exemplar-based fill in the manner of Wexler, Shechtman and Irani (2007) with PatchMatch (Barnes et
 * al. 2009) for the nearest-neighbour search: coarse to fine, each hole pixel becomes the average of
 * the pixels that the best-matching known patches around it propose, repeated until it settles. Unlike
 * diffusion-style fills it copies texture, not only colour. Deterministic: its random search is seeded.
 */
final class PatchMatchFill {

    private static final int RADIUS = 3;
    /** The coarsest level is where the hole's long side is about this many pixels. */
    private static final int COARSEST_HOLE_SIDE = 16;
    private static final int MAX_LEVELS = 5;
    private static final int EM_ITERATIONS = 4;
    private static final int PATCHMATCH_ITERATIONS = 2;

    private PatchMatchFill() {
    }

    /** Fills {@code mask} (255 = fill) in a BGR {@code CV_8UC3} image. */
    static Mat fill(Mat image, Mat mask) {
        Rect hole = Imgproc.boundingRect(mask);
        int levels = 1;
        for (int side = Math.max(hole.width, hole.height); side > COARSEST_HOLE_SIDE && levels < MAX_LEVELS; side /= 2) {
            levels++;
        }
        Mat[] images = new Mat[levels];
        Mat[] masks = new Mat[levels];
        images[0] = image;
        masks[0] = mask;
        for (int l = 1; l < levels; l++) {
            images[l] = new Mat();
            masks[l] = new Mat();
            Imgproc.pyrDown(images[l - 1], images[l]);
            Imgproc.resize(masks[l - 1], masks[l], images[l].size(), 0, 0, Imgproc.INTER_AREA);
            // Any partly masked pixel is unknown at the coarser level.
            Imgproc.threshold(masks[l], masks[l], 0, 255, Imgproc.THRESH_BINARY);
        }
        Mat estimate = new Mat();
        Photo.inpaint(images[levels - 1], masks[levels - 1], estimate, 3, Photo.INPAINT_TELEA);
        for (int l = levels - 1; l >= 0; l--) {
            if (l < levels - 1) {
                Mat upsampled = new Mat();
                Imgproc.resize(estimate, upsampled, images[l].size(), 0, 0, Imgproc.INTER_LINEAR);
                estimate = images[l].clone();
                upsampled.copyTo(estimate, masks[l]);
            }
            Level level = new Level(estimate, masks[l], new Random(l));
            // The estimate carries the coarser level's result; the field is searched afresh against it.
            int[] nnf = level.randomField();
            for (int i = 0; i < EM_ITERATIONS; i++) {
                level.search(nnf);
                level.vote(nnf);
            }
            estimate = level.result();
        }
        return estimate;
    }

    /** One pyramid level: pixels as floats, the hole, and the patch centres allowed as sources. */
    private static final class Level {
        private final int width;
        private final int height;
        private final float[] pixels;
        private final boolean[] hole;
        /** Patch centres whose whole patch is known. */
        private final int[] sources;
        private final boolean[] isSource;
        /** Patch centres whose patch touches the hole: these need a match. */
        private final int[] targets;
        private final Random random;

        Level(Mat image, Mat mask, Random random) {
            this.width = image.cols();
            this.height = image.rows();
            this.random = random;
            Mat floats = new Mat();
            image.convertTo(floats, CvType.CV_32FC3);
            this.pixels = new float[width * height * 3];
            floats.get(0, 0, pixels);
            byte[] maskBytes = new byte[width * height];
            mask.get(0, 0, maskBytes);
            this.hole = new boolean[width * height];
            for (int i = 0; i < hole.length; i++) {
                hole[i] = maskBytes[i] != 0;
            }
            Mat grown = new Mat();
            Imgproc.dilate(mask, grown, Imgproc.getStructuringElement(Imgproc.MORPH_RECT,
                    new Size(2 * RADIUS + 1, 2 * RADIUS + 1)));
            byte[] near = new byte[width * height];
            grown.get(0, 0, near);
            this.isSource = new boolean[width * height];
            int sourceCount = 0;
            int targetCount = 0;
            for (int y = RADIUS; y < height - RADIUS; y++) {
                for (int x = RADIUS; x < width - RADIUS; x++) {
                    int i = y * width + x;
                    if (near[i] == 0) {
                        isSource[i] = true;
                        sourceCount++;
                    } else {
                        targetCount++;
                    }
                }
            }
            this.sources = new int[sourceCount];
            this.targets = new int[targetCount];
            int s = 0;
            int t = 0;
            for (int y = RADIUS; y < height - RADIUS; y++) {
                for (int x = RADIUS; x < width - RADIUS; x++) {
                    int i = y * width + x;
                    if (isSource[i]) {
                        sources[s++] = i;
                    } else {
                        targets[t++] = i;
                    }
                }
            }
        }

        /** A nearest-neighbour field to start from: for each target, a random source centre. */
        int[] randomField() {
            int[] field = new int[targets.length];
            for (int k = 0; k < targets.length; k++) {
                field[k] = sources.length == 0 ? targets[k] : sources[random.nextInt(sources.length)];
            }
            return field;
        }

        private float distance(int a, int b, float limit) {
            float sum = 0;
            for (int dy = -RADIUS; dy <= RADIUS; dy++) {
                int rowA = (a + dy * width) * 3;
                int rowB = (b + dy * width) * 3;
                for (int c = -3 * RADIUS; c < 3 * (RADIUS + 1); c++) {
                    float d = pixels[rowA + c] - pixels[rowB + c];
                    sum += d * d;
                }
                if (sum >= limit) {
                    return sum;
                }
            }
            return sum;
        }

        /** PatchMatch: propagate good matches from neighbours, then search randomly around the best. */
        void search(int[] field) {
            if (sources.length == 0) {
                return;
            }
            int[] targetIndex = new int[width * height];
            Arrays.fill(targetIndex, -1);
            for (int k = 0; k < targets.length; k++) {
                targetIndex[targets[k]] = k;
            }
            float[] best = new float[targets.length];
            for (int k = 0; k < targets.length; k++) {
                best[k] = distance(targets[k], field[k], Float.MAX_VALUE);
            }
            for (int iteration = 0; iteration < PATCHMATCH_ITERATIONS; iteration++) {
                boolean forward = iteration % 2 == 0;
                int step = forward ? 1 : -1;
                for (int n = 0; n < targets.length; n++) {
                    int k = forward ? n : targets.length - 1 - n;
                    int p = targets[k];
                    // The neighbour's match, shifted back by the same offset, is a candidate for this patch.
                    for (int offset : new int[] {step, step * width}) {
                        int j = targetIndex[p - offset];
                        if (j >= 0) {
                            int candidate = field[j] + offset;
                            if (candidate >= 0 && candidate < isSource.length && isSource[candidate]) {
                                float d = distance(p, candidate, best[k]);
                                if (d < best[k]) {
                                    best[k] = d;
                                    field[k] = candidate;
                                }
                            }
                        }
                    }
                    int cx = field[k] % width;
                    int cy = field[k] / width;
                    for (int range = Math.max(width, height); range >= 1; range /= 2) {
                        int x = cx + random.nextInt(2 * range + 1) - range;
                        int y = cy + random.nextInt(2 * range + 1) - range;
                        if (x < 0 || y < 0 || x >= width || y >= height || !isSource[y * width + x]) {
                            continue;
                        }
                        float d = distance(p, y * width + x, best[k]);
                        if (d < best[k]) {
                            best[k] = d;
                            field[k] = y * width + x;
                        }
                    }
                }
            }
        }

        /** Each hole pixel becomes the mean of what the patches covering it propose. */
        void vote(int[] field) {
            float[] sum = new float[pixels.length];
            float[] weight = new float[width * height];
            for (int k = 0; k < targets.length; k++) {
                int p = targets[k];
                int q = field[k];
                for (int dy = -RADIUS; dy <= RADIUS; dy++) {
                    for (int dx = -RADIUS; dx <= RADIUS; dx++) {
                        int pp = p + dy * width + dx;
                        if (!hole[pp]) {
                            continue;
                        }
                        int qq = q + dy * width + dx;
                        sum[3 * pp] += pixels[3 * qq];
                        sum[3 * pp + 1] += pixels[3 * qq + 1];
                        sum[3 * pp + 2] += pixels[3 * qq + 2];
                        weight[pp]++;
                    }
                }
            }
            for (int i = 0; i < weight.length; i++) {
                if (weight[i] > 0) {
                    pixels[3 * i] = sum[3 * i] / weight[i];
                    pixels[3 * i + 1] = sum[3 * i + 1] / weight[i];
                    pixels[3 * i + 2] = sum[3 * i + 2] / weight[i];
                }
            }
        }

        Mat result() {
            Mat floats = new Mat(height, width, CvType.CV_32FC3);
            floats.put(0, 0, pixels);
            Mat out = new Mat();
            floats.convertTo(out, CvType.CV_8UC3);
            return out;
        }
    }
}
