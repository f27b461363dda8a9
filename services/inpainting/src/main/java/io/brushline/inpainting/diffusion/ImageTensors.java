package io.brushline.inpainting.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.brushline.common.imaging.PilResize;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Between OpenCV images (BGR, 0-255) and the models' tensors (RGB, channels first, [-1, 1]). */
final class ImageTensors {

    private ImageTensors() {
    }

    /** Images resized to {@code size}, as {@code [N,3,H,W]} RGB in [-1, 1]. */
    static NDArray pixels(NDManager manager, List<Mat> images, Size size) {
        int width = (int) size.width;
        int height = (int) size.height;
        int plane = width * height;
        float[] data = new float[images.size() * 3 * plane];
        byte[] bgr = new byte[3 * plane];
        for (int n = 0; n < images.size(); n++) {
            Mat resized = PilResize.resize(images.get(n), width, height, PilResize.Filter.LANCZOS);
            resized.get(0, 0, bgr);
            int base = n * 3 * plane;
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    // BGR in the Mat, RGB in the tensor.
                    data[base + c * plane + p] = (bgr[3 * p + 2 - c] & 0xff) / 127.5f - 1f;
                }
            }
            resized.release();
        }
        return manager.create(data, new Shape(images.size(), 3, height, width));
    }

    /**
     * Masks (255 = repaint) at {@code size} as {@code [N,1,H,W]} with 1 = repaint: resized as the
     * images are, then cut at half (as the Stable-Diffusion pipelines binarise theirs).
     */
    static NDArray masks(NDManager manager, List<Mat> masks, Size size) {
        int width = (int) size.width;
        int height = (int) size.height;
        int plane = width * height;
        float[] data = new float[masks.size() * plane];
        byte[] values = new byte[plane];
        for (int n = 0; n < masks.size(); n++) {
            Mat resized = PilResize.resize(masks.get(n), width, height, PilResize.Filter.LANCZOS);
            resized.get(0, 0, values);
            for (int p = 0; p < plane; p++) {
                data[n * plane + p] = (values[p] & 0xff) >= 128 ? 1f : 0f;
            }
            resized.release();
        }
        return manager.create(data, new Shape(masks.size(), 1, height, width));
    }

    /**
     * Pixel masks {@code [N,1,H,W]} at latent size {@code [N,1,H/8,W/8]} by nearest neighbour (the
     * top-left pixel of each 8x8 block), as the reference pipelines interpolate theirs. The masking
     * stage's dilation is what widens a mask where a wider one is wanted.
     */
    static NDArray latentMasks(NDArray pixelMasks) {
        return pixelMasks.get(new NDIndex(":, :, ::8, ::8"));
    }

    /** {@code [N,3,H,W]} RGB in [-1, 1] back to BGR images, each resized to its target size. */
    static List<Mat> images(NDArray pixels, List<Size> targets) {
        Shape shape = pixels.getShape();
        int height = (int) shape.get(2);
        int width = (int) shape.get(3);
        int plane = width * height;
        float[] data = pixels.toFloatArray();
        List<Mat> images = new ArrayList<>();
        byte[] bgr = new byte[3 * plane];
        for (int n = 0; n < targets.size(); n++) {
            int base = n * 3 * plane;
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    float value = (data[base + c * plane + p] + 1f) * 127.5f;
                    bgr[3 * p + 2 - c] = (byte) Math.round(Math.max(0f, Math.min(255f, value)));
                }
            }
            Mat image = new Mat(height, width, CvType.CV_8UC3);
            image.put(0, 0, bgr);
            Mat resized = new Mat();
            Imgproc.resize(image, resized, targets.get(n), 0, 0, Imgproc.INTER_CUBIC);
            image.release();
            images.add(resized);
        }
        return images;
    }
}
