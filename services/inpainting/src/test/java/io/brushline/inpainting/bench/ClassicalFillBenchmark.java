package io.brushline.inpainting.bench;

import io.brushline.common.messages.Category;
import io.brushline.inpainting.ClassicalFill;
import io.brushline.inpainting.PaintRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Compares classical fills on holes with known ground truth (see {@link HoleCases}) and prints a
 * Markdown table: mean PSNR and SSIM inside the hole and the time per 512x512 image.
 *
 * <p>Arguments: the shared images directory, an output directory, where {@code holes.png} shows the
 * holes outlined on their photos to check by eye that they sit on background, and optionally the
 * methods to compare (comma-separated {@link ClassicalFill.Method} names; all by default).
 */
public final class ClassicalFillBenchmark {

    private ClassicalFillBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        io.brushline.common.imaging.ImageCodec.init();
        List<HoleCase> cases = HoleCases.build(Path.of(args[0]));
        Path out = Files.createDirectories(Path.of(args[1]));
        Imgcodecs.imwrite(out.resolve("holes.png").toString(), HoleCases.contactSheet(cases, 8));

        // An optional third argument names the methods to run (FSR best alone takes about 8 minutes).
        List<ClassicalFill.Method> methods = args.length > 2
                ? Arrays.stream(args[2].split(",")).map(ClassicalFill.Method::valueOf).toList()
                : List.of(ClassicalFill.Method.values());
        List<ClassicalFill> fills = new ArrayList<>();
        for (ClassicalFill.Method method : methods) {
            fills.add(new ClassicalFill(method, 5, HoleCases.SIZE));
        }
        if (args.length <= 2) {
            fills.add(new ClassicalFill(ClassicalFill.Method.TELEA, 3, HoleCases.SIZE));
            fills.add(new ClassicalFill(ClassicalFill.Method.NAVIER_STOKES, 3, HoleCases.SIZE));
        }

        System.out.printf(Locale.ROOT, "%d holes, %dx%d images%n%n", cases.size(), HoleCases.SIZE, HoleCases.SIZE);
        System.out.println("| method | PSNR in hole (dB) | SSIM in hole | ms per image, mean | ms, max |");
        System.out.println("|---|---|---|---|---|");
        for (ClassicalFill fill : fills) {
            // The first call loads code and natives; it is not what a running service pays.
            fill.paint(request(blanked(cases.get(0)), cases.get(0).hole()));
            double psnr = 0;
            double ssim = 0;
            double totalMillis = 0;
            double maxMillis = 0;
            for (HoleCase c : cases) {
                Mat input = blanked(c);
                long start = System.nanoTime();
                Mat filled = fill.paint(request(input, c.hole()));
                double millis = (System.nanoTime() - start) / 1e6;
                totalMillis += millis;
                maxMillis = Math.max(maxMillis, millis);
                try (var quality = new FillQuality(c.image(), filled, c.hole())) {
                    psnr += quality.psnr();
                    ssim += quality.ssim();
                }
                input.release();
                filled.release();
            }
            int n = cases.size();
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.4f | %.0f | %.0f |%n", fill, psnr / n, ssim / n,
                    totalMillis / n, maxMillis);
        }
    }

    private static PaintRequest request(Mat image, Mat hole) {
        return new PaintRequest(image, hole, Category.REMOVE, null, null, null, 0, null);
    }

    /** The photo with the hole painted black, so no method can see the ground truth. */
    private static Mat blanked(HoleCase c) {
        Mat input = c.image().clone();
        input.setTo(new Scalar(0, 0, 0), c.hole());
        return input;
    }
}
