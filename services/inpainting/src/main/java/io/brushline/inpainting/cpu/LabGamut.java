package io.brushline.inpainting.cpu;

/**
 * The largest chroma that sRGB can show at each lightness for one hue of CIE Lab (D65), so that a
 * recoloured pixel stays in gamut: clipping out-of-gamut colours would shift both their hue and their
 * lightness. Indexed by OpenCV's 8-bit lightness (L* x 255 / 100).
 */
final class LabGamut {

    private static final double XN = 0.95047;
    private static final double ZN = 1.08883;

    private LabGamut() {
    }

    /** @param hue the Lab hue angle in radians */
    static double[] maxChromaByLightness(double hue) {
        double[] table = new double[256];
        double cos = Math.cos(hue);
        double sin = Math.sin(hue);
        for (int l8 = 0; l8 < 256; l8++) {
            double lightness = l8 * 100.0 / 255;
            double low = 0;
            double high = 150;
            for (int step = 0; step < 20; step++) {
                double mid = (low + high) / 2;
                if (inGamut(lightness, mid * cos, mid * sin)) {
                    low = mid;
                } else {
                    high = mid;
                }
            }
            table[l8] = low;
        }
        return table;
    }

    static boolean inGamut(double lightness, double a, double b) {
        double fy = (lightness + 16) / 116;
        double fx = fy + a / 500;
        double fz = fy - b / 200;
        double x = XN * inverse(fx);
        double y = inverse(fy);
        double z = ZN * inverse(fz);
        double r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
        double g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z;
        double bl = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
        return r >= 0 && r <= 1 && g >= 0 && g <= 1 && bl >= 0 && bl <= 1;
    }

    private static double inverse(double t) {
        return t > 6.0 / 29 ? t * t * t : 3 * (6.0 / 29) * (6.0 / 29) * (t - 4.0 / 29);
    }
}
