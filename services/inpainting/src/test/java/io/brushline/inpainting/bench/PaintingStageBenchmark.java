package io.brushline.inpainting.bench;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.inpainting.PasteBack;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * The painting stage's own CPU per 512x512 job, painter left out: decoding the JPEG source and the PNG
 * mask, pasting the painting back with a feathered edge, and encoding the result as PNG, as
 * {@code PaintingService} does. The painter returns the source unchanged (what the benchmark-mode
 * fixed-service-time painter does once its wait is over), so only the stage's own work is measured.
 *
 * <p>Times are the calling thread's CPU time with OpenCV on that one thread, so they are the cost on
 * one core even when other processes share the machine. Every photo of the shared set is scaled to
 * 512x512 and re-encoded as JPEG (quality 90); its mask is an ellipse filling the first annotated box
 * of {@code MANIFEST.tsv} (a centred ellipse over a quarter of the frame where no box is given).
 *
 * <p>Arguments: the shared images directory, optionally the number of rounds over the photos (10)
 * and the feather in pixels (4). The first round warms up and is left out.
 */
public final class PaintingStageBenchmark {

    private static final int SIDE = 512;
    private static final Pattern BOX = Pattern.compile("box=\\[(\\d+), (\\d+), (\\d+), (\\d+)]");

    private record Job(byte[] source, byte[] mask) {
    }

    private PaintingStageBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        ImageCodec.init();
        Core.setNumThreads(1);
        Path images = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int featherPx = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        List<Job> jobs = jobs(images);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        int n = rounds * jobs.size();
        long[] decode = new long[n];
        long[] paste = new long[n];
        long[] encode = new long[n];
        long[] total = new long[n];
        long pngBytes = 0;
        int i = 0;
        for (int round = -1; round < rounds; round++) {
            for (Job job : jobs) {
                long started = threads.getCurrentThreadCpuTime();
                Mat source = ImageCodec.decodeColor(job.source(), "source");
                Mat mask = ImageCodec.decodeMask(job.mask(), "mask");
                long decoded = threads.getCurrentThreadCpuTime();
                Mat painted = source.clone();
                long paintStarted = threads.getCurrentThreadCpuTime();
                Mat result = PasteBack.compose(source, painted, mask, featherPx);
                long pasted = threads.getCurrentThreadCpuTime();
                byte[] png = ImageCodec.encodePng(result);
                long encoded = threads.getCurrentThreadCpuTime();
                for (Mat m : new Mat[] {source, mask, painted, result}) {
                    m.release();
                }
                if (round >= 0) {
                    decode[i] = decoded - started;
                    paste[i] = pasted - paintStarted;
                    encode[i] = encoded - pasted;
                    total[i] = decode[i] + paste[i] + encode[i];
                    pngBytes += png.length;
                    i++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d photos at %dx%d, %d rounds (%d jobs), feather %d px, 1 OpenCV thread,"
                + " mean PNG %d KB%n%n", jobs.size(), SIDE, SIDE, rounds, n, featherPx, pngBytes / n / 1024);
        System.out.println("| part | CPU ms, median | CPU ms, p95 |");
        System.out.println("|---|---|---|");
        row("decode (JPEG source + PNG mask)", decode);
        row("paste-back", paste);
        row("PNG encode", encode);
        row("total", total);
    }

    private static void row(String part, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2] / 1e6;
        double p95 = sorted[(int) Math.ceil(0.95 * sorted.length) - 1] / 1e6;
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f |%n", part, median, p95);
    }

    /** Every photo of the shared set as a 512x512 JPEG with its object mask as PNG. */
    private static List<Job> jobs(Path images) throws IOException {
        List<String> manifest = Files.readAllLines(images.resolve("MANIFEST.tsv"));
        List<Job> jobs = new ArrayList<>();
        try (Stream<Path> files = Files.list(images)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList()) {
                String name = file.getFileName().toString();
                Mat photo = Imgcodecs.imread(file.toString(), Imgcodecs.IMREAD_COLOR);
                Mat mask = Mat.zeros(SIDE, SIDE, CvType.CV_8UC1);
                Point centre = new Point(SIDE / 2.0, SIDE / 2.0);
                Size axes = new Size(SIDE / 4.0, SIDE / 4.0 * 4 / Math.PI);
                Matcher box = manifest.stream().filter(line -> line.startsWith(name + "\t")).findFirst()
                        .map(BOX::matcher).filter(Matcher::find).orElse(null);
                if (box != null) {
                    double sx = (double) SIDE / photo.cols();
                    double sy = (double) SIDE / photo.rows();
                    double x0 = Integer.parseInt(box.group(1)) * sx;
                    double y0 = Integer.parseInt(box.group(2)) * sy;
                    double x1 = Integer.parseInt(box.group(3)) * sx;
                    double y1 = Integer.parseInt(box.group(4)) * sy;
                    centre = new Point((x0 + x1) / 2, (y0 + y1) / 2);
                    axes = new Size((x1 - x0) / 2, (y1 - y0) / 2);
                }
                Imgproc.ellipse(mask, centre, axes, 0, 0, 360, new Scalar(255), -1);
                Mat scaled = new Mat();
                Imgproc.resize(photo, scaled, new Size(SIDE, SIDE), 0, 0, Imgproc.INTER_AREA);
                jobs.add(new Job(encode(".jpg", scaled, Imgcodecs.IMWRITE_JPEG_QUALITY, 90),
                        encode(".png", mask, Imgcodecs.IMWRITE_PNG_COMPRESSION, 3)));
                photo.release();
                scaled.release();
                mask.release();
            }
        }
        return jobs;
    }

    private static byte[] encode(String extension, Mat image, int param, int value) {
        MatOfByte out = new MatOfByte();
        try {
            Imgcodecs.imencode(extension, image, out, new MatOfInt(param, value));
            return out.toArray();
        } finally {
            out.release();
        }
    }
}
