package io.brushline.inpainting;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.global.opencv_xphoto;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * {@code cv::xphoto::inpaint} from OpenCV's contrib modules. OpenCV's own Java API, which the rest of
 * the code uses, has no binding for it, so it is called through bytedeco's presets of the same build;
 * pixels are copied between the two APIs' matrices (well under a millisecond at these sizes).
 * All methods take a BGR {@code CV_8UC3} image and a mask with 255 = fill, like {@code cv::inpaint}.
 */
final class XphotoInpaint {

    private XphotoInpaint() {
    }

    static void loadNatives() {
        Loader.load(opencv_xphoto.class);
    }

    static Mat fsrFast(Mat image, Mat hole) {
        return fsr(image, hole, opencv_xphoto.INPAINT_FSR_FAST);
    }

    static Mat fsrBest(Mat image, Mat hole) {
        return fsr(image, hole, opencv_xphoto.INPAINT_FSR_BEST);
    }

    /** Shift-map compares patches by colour distance, which the module expects in CIE Lab. */
    static Mat shiftMap(Mat image, Mat hole) {
        return inpaint(image, hole, opencv_xphoto.INPAINT_SHIFTMAP, true);
    }

    /**
     * Frequency-selective reconstruction works in blocks of 16 pixels and leaves the rows and columns
     * past the last whole block unwritten (a hole touching the bottom of a 150-pixel-high region came
     * back green there): the image and the hole are mirrored out to whole blocks and cut back after.
     */
    private static final int FSR_BLOCK = 16;

    private static Mat fsr(Mat image, Mat hole, int algorithm) {
        int bottom = (FSR_BLOCK - image.rows() % FSR_BLOCK) % FSR_BLOCK;
        int right = (FSR_BLOCK - image.cols() % FSR_BLOCK) % FSR_BLOCK;
        if (bottom == 0 && right == 0) {
            return inpaint(image, hole, algorithm, false);
        }
        Mat paddedImage = new Mat();
        Mat paddedHole = new Mat();
        Mat filled = null;
        Mat inside = null;
        try {
            Core.copyMakeBorder(image, paddedImage, 0, bottom, 0, right, Core.BORDER_REFLECT);
            Core.copyMakeBorder(hole, paddedHole, 0, bottom, 0, right, Core.BORDER_REFLECT);
            filled = inpaint(paddedImage, paddedHole, algorithm, false);
            inside = filled.submat(0, image.rows(), 0, image.cols());
            return inside.clone();
        } finally {
            Mats.release(paddedImage, paddedHole, filled, inside);
        }
    }

    private static Mat inpaint(Mat image, Mat hole, int algorithm, boolean inLab) {
        // xphoto's mask marks the pixels to keep, the inverse of cv::inpaint's.
        Mat keep = new Mat();
        Core.bitwise_not(hole, keep);
        try (var src = toBytedeco(image, opencv_core.CV_8UC3);
                var valid = toBytedeco(keep, opencv_core.CV_8UC1);
                var dst = new org.bytedeco.opencv.opencv_core.Mat()) {
            if (inLab) {
                opencv_imgproc.cvtColor(src, src, opencv_imgproc.COLOR_BGR2Lab);
            }
            opencv_xphoto.inpaint(src, valid, dst, algorithm);
            if (inLab) {
                opencv_imgproc.cvtColor(dst, dst, opencv_imgproc.COLOR_Lab2BGR);
            }
            return fromBytedeco(dst);
        } finally {
            keep.release();
        }
    }

    private static org.bytedeco.opencv.opencv_core.Mat toBytedeco(Mat mat, int type) {
        Mat continuous = mat.isContinuous() ? mat : mat.clone();
        byte[] pixels = new byte[(int) (continuous.total() * continuous.channels())];
        continuous.get(0, 0, pixels);
        var out = new org.bytedeco.opencv.opencv_core.Mat(mat.rows(), mat.cols(), type);
        out.data().put(pixels);
        return out;
    }

    private static Mat fromBytedeco(org.bytedeco.opencv.opencv_core.Mat mat) {
        byte[] pixels = new byte[(int) (mat.total() * mat.channels())];
        mat.data().get(pixels);
        Mat out = new Mat(mat.rows(), mat.cols(), CvType.CV_8UC3);
        out.put(0, 0, pixels);
        return out;
    }
}
