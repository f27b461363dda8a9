package io.brushline.masking.tools;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Grounding;
import io.brushline.common.messages.ImageRef;
import io.brushline.common.stage.StageFailure;
import io.brushline.grounding.Grounder;
import io.brushline.grounding.ObjectDetector;
import io.brushline.masking.MaskMaker;
import io.brushline.masking.MaskOps;
import io.brushline.masking.Segmenter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Runs grounding and masking on one image, as the two stages would with the same configuration
 * (e.g. {@code -Dbrushline.grounding.detector=owlv2}), and writes {@code mask.png} (the
 * exact mask the painter gets) and {@code overlay.png} (the mask tinted red, boxes drawn). Usage:
 * {@code GroundAndMask <image> <object phrase> [category=REMOVE] [out-dir=.]}.
 */
public final class GroundAndMask {

    private GroundAndMask() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println(
                    "usage: ground-and-mask.sh <image> <object phrase> [LOCAL|REMOVE|BACKGROUND|ADD|GLOBAL] [out-dir]");
            System.exit(2);
        }
        Path imageFile = Path.of(args[0]);
        String phrase = args[1];
        Category category = args.length > 2 ? Category.valueOf(args[2].toUpperCase(Locale.ROOT)) : Category.REMOVE;
        Path out = Path.of(args.length > 3 ? args[3] : ".");
        Files.createDirectories(out);

        Engines engines = new Engines();
        Mat image = ImageCodec.decodeColor(Files.readAllBytes(imageFile), imageFile.toString());
        var job = new EditJob(EditJob.SCHEMA_VERSION, "cli", "cli", 1, null, null, phrase,
                new ImageRef(imageFile.toString(), "image", image.cols(), image.rows()), null, null,
                new Classification(category, phrase, phrase, null, null, "cli"), null, null, null, null, Map.of());
        try (ObjectDetector detector = engines.configuredDetector();
                Segmenter segmenter = engines.configuredSegmenter()) {
            long t0 = System.nanoTime();
            // each stage releases the image it is given when it ends, as it does with a decoded source
            Grounding grounding = new Grounder(detector).ground(job, image::clone);
            long t1 = System.nanoTime();
            MaskMaker.Result result = new MaskMaker(segmenter, engines.masking.dilation())
                    .make(job.withGrounding(grounding), image::clone, key -> {
                        throw new IllegalArgumentException("no stored objects on the command line");
                    });
            long t2 = System.nanoTime();
            Imgcodecs.imwrite(out.resolve("mask.png").toString(), result.mask());
            Imgcodecs.imwrite(out.resolve("overlay.png").toString(), overlay(image, result.mask(), grounding));
            for (Detection d : grounding.boxes()) {
                System.out.printf(Locale.ROOT, "%s %.2f [%d, %d, %d, %d]%n", d.label(), d.score(), d.box().x1(),
                        d.box().y1(), d.box().x2(), d.box().y2());
            }
            System.out.printf(Locale.ROOT,
                    "%s %dx%d: grounding %s %d ms, masking %d ms (dilation %d px), mask covers %.1f%%; wrote %s%n",
                    category, image.cols(), image.rows(), grounding.method(), (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000, result.dilationPx(), 100 * MaskOps.coverage(result.mask()),
                    out.toAbsolutePath());
        } catch (StageFailure failure) {
            System.err.println(failure.code() + ": " + failure.getMessage());
            System.exit(1);
        }
    }

    /** The image with the mask tinted red and each box outlined in green. */
    static Mat overlay(Mat image, Mat mask, Grounding grounding) {
        Mat tinted = image.clone();
        Mat red = new Mat(image.size(), image.type(), new Scalar(0, 0, 255));
        Mat blend = new Mat();
        Core.addWeighted(image, 0.5, red, 0.5, 0, blend);
        blend.copyTo(tinted, mask);
        int thickness = Math.max(2, Math.min(image.cols(), image.rows()) / 200);
        for (Detection d : grounding.boxes()) {
            Imgproc.rectangle(tinted, new Point(d.box().x1(), d.box().y1()),
                    new Point(d.box().x2() - 1, d.box().y2() - 1), new Scalar(0, 255, 0), thickness);
            Imgproc.putText(tinted, String.format(Locale.ROOT, "%s %.2f", d.label(), d.score()),
                    new Point(d.box().x1() + 4, d.box().y1() + 12 * thickness), Imgproc.FONT_HERSHEY_SIMPLEX,
                    0.4 * thickness, new Scalar(0, 255, 0), thickness);
        }
        return tinted;
    }
}
