package io.brushline.inpainting.bench;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.CpuOperation;
import io.brushline.inpainting.cpu.CpuPainter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Times every CPU-tier operation on a 2048x1365 photo on one OpenCV thread and prints a Markdown
 * table: the median CPU time of the calling thread (OpenCV runs on it alone, so this is the cost on
 * one core even when other processes compete for the machine) and the median wall time. GLOBAL operations run over the whole frame; LOCAL ones on
 * the annotated dog's mask, BACKGROUND ones on its inverse; the time includes the feathered paste
 * back but not decoding or PNG encoding, which are timed once on their own.
 *
 * <p>Arguments: the shared images directory, optionally the number of runs per operation (5).
 */
public final class CpuTierBenchmark {

    private CpuTierBenchmark() {
    }

    public static void main(String[] args) {
        ImageCodec.init();
        Core.setNumThreads(1);
        Path images = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Mat source = ImageCodec.decodeColor(read(images.resolve("iopaint_dog_on_bench.jpg")), "photo");
        Mat mask = ImageCodec.decodeMask(read(images.resolve("masks/iopaint_dog_on_bench__dog.png")), "mask");
        Size size = new Size(2048, 1365);
        Imgproc.resize(source, source, size, 0, 0, Imgproc.INTER_LINEAR);
        Imgproc.resize(mask, mask, size, 0, 0, Imgproc.INTER_NEAREST);
        Mat background = new Mat();
        Core.bitwise_not(mask, background);
        Mat whole = new Mat(source.size(), CvType.CV_8UC1, new Scalar(255));
        Mat replacement = ImageCodec.decodeColor(read(images.resolve("sam_truck.jpg")), "background");
        CpuPainter painter = new CpuPainter();

        System.out.printf(Locale.ROOT, "%dx%d photo, object mask covers %.1f %%, 1 OpenCV thread, %d runs%n%n",
                source.cols(), source.rows(), 100.0 * Core.countNonZero(mask) / mask.total(), runs);
        System.out.println("| operation | category | CPU ms (median) | wall ms (median) | goal ms |");
        System.out.println("|---|---|---|---|---|");
        for (CpuOperation operation : CpuOperation.values()) {
            Mat region = switch (operation.category()) {
                case GLOBAL -> whole;
                case BACKGROUND -> background;
                default -> mask;
            };
            Map<String, String> params = Map.of("colour", "#1e90ff");
            long[] cpuMillis = new long[runs];
            long[] wallMillis = new long[runs];
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            // the first run warms up (JIT, OpenCV's lazy tables) and is left out
            for (int run = -1; run < runs; run++) {
                long cpuStarted = threads.getCurrentThreadCpuTime();
                long started = System.nanoTime();
                painter.paint(operation, params, source, region, 4, () -> replacement);
                if (run >= 0) {
                    wallMillis[run] = (System.nanoTime() - started) / 1_000_000;
                    cpuMillis[run] = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1_000_000;
                }
            }
            Arrays.sort(cpuMillis);
            Arrays.sort(wallMillis);
            int goal = operation.category() == Category.GLOBAL ? 300 : 150;
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %d | %d |%n", operation.wireName(), operation.category(),
                    cpuMillis[runs / 2], wallMillis[runs / 2], goal);
        }
        long started = System.nanoTime();
        byte[] png = ImageCodec.encodePng(source);
        System.out.printf(Locale.ROOT, "%nPNG encoding of the result: %d ms (%d KB), once per job%n",
                (System.nanoTime() - started) / 1_000_000, png.length / 1024);
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
