package io.brushline.inpainting;

import org.opencv.core.Mat;
import org.opencv.photo.Photo;

/**
 * Fills the hole from its surroundings without a generative model (OpenCV's fast-marching Telea
 * method or the Navier-Stokes method). Suited to REMOVE only: it cannot draw anything new. See
 * docs/painting.md for how the methods compare on holes with known ground truth.
 */
public final class ClassicalFill implements Painter {

    /** The OpenCV methods; {@code flag} is the value {@link Photo#inpaint} takes. */
    public enum Method {
        TELEA(Photo.INPAINT_TELEA),
        NAVIER_STOKES(Photo.INPAINT_NS);

        final int flag;

        Method(int flag) {
            this.flag = flag;
        }
    }

    private final Method method;
    private final double radius;

    /**
     * @param radius how far around each hole pixel (in pixels) the method looks for known pixels
     */
    public ClassicalFill(Method method, double radius) {
        this.method = method;
        this.radius = radius;
    }

    @Override
    public String name() {
        return "classical-" + method.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Mat paint(PaintRequest request) {
        Mat filled = new Mat();
        Photo.inpaint(request.image(), request.mask(), filled, radius, method.flag);
        return filled;
    }
}
