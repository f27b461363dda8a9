package io.brushline.inpainting.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Builds holes with known ground truth: each object-shaped mask of {@code masks/} is scaled and placed
 * on every other photo where the photo's annotations show no object, so the fill has to recover
 * background from background, which is what REMOVE asks of it.
 */
final class HoleCases {

    /** Photos are resized to this square, the size of the benchmark's timings. */
    static final int SIZE = 512;
    /** Long side of a placed hole, tried from large to small until one fits in the background. */
    private static final int[] HOLE_SIDES = {128, 96, 64};
    /** Kept between a hole and any annotated object, so that the hole's surroundings are background too. */
    private static final int MARGIN = 8;
    /**
     * Some annotations give only a point or only a label. Around a point the object is assumed to fill
     * a box of this fraction of the photo; a photo with labels but no geometry is assumed to have its
     * objects in the central region of this fraction.
     */
    private static final double ASSUMED_OBJECT_FRACTION = 0.5;

    private static final Pattern BOX = Pattern.compile(
            "\"bbox_xyxy\"\\s*:\\s*\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]");
    private static final Pattern POINT = Pattern.compile("\\[\\s*(\\d+(?:\\.\\d+)?)\\s*,\\s*(\\d+(?:\\.\\d+)?)\\s*]");
    private static final Pattern POINTS = Pattern.compile("\"points_xy\"\\s*:\\s*\\[((?:\\s*\\[[^]]*]\\s*,?)+)]");
    private static final Pattern DIMENSION = Pattern.compile("\"(width|height)\"\\s*:\\s*(\\d+)");

    private HoleCases() {
    }

    static List<HoleCase> build(Path imagesDir) throws IOException {
        List<Path> maskFiles;
        try (Stream<Path> files = Files.list(imagesDir.resolve("masks"))) {
            maskFiles = files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        List<String> maskedPhotos = maskFiles.stream()
                .map(p -> p.getFileName().toString().split("__")[0]).toList();
        List<Path> photos;
        try (Stream<Path> files = Files.list(imagesDir)) {
            photos = files.filter(p -> p.toString().matches(".*\\.(jpg|png)$"))
                    .filter(p -> !maskedPhotos.contains(stem(p)))
                    .sorted().toList();
        }
        List<HoleCase> cases = new ArrayList<>();
        for (int p = 0; p < photos.size(); p++) {
            Path photo = photos.get(p);
            Mat original = Imgcodecs.imread(photo.toString(), Imgcodecs.IMREAD_COLOR);
            List<Rect> objects = objectBoxes(imagesDir.resolve("annotations").resolve(stem(photo) + ".json"),
                    original.cols(), original.rows());
            Mat image = new Mat();
            Imgproc.resize(original, image, new Size(SIZE, SIZE), 0, 0, Imgproc.INTER_AREA);
            for (int m = 0; m < maskFiles.size(); m++) {
                String name = stem(photo) + " / " + stem(maskFiles.get(m)).split("__")[1];
                Random random = new Random(31L * p + m);
                placeHole(croppedShape(maskFiles.get(m)), objects, random)
                        .ifPresent(hole -> cases.add(new HoleCase(name, image, hole)));
            }
        }
        return cases;
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    /** The mask cut to the bounding box of its object. */
    private static Mat croppedShape(Path maskFile) {
        Mat mask = Imgcodecs.imread(maskFile.toString(), Imgcodecs.IMREAD_GRAYSCALE);
        Mat binary = new Mat();
        Imgproc.threshold(mask, binary, 0, 255, Imgproc.THRESH_BINARY);
        return new Mat(binary, Imgproc.boundingRect(binary)).clone();
    }

    private static Optional<Mat> placeHole(Mat shape, List<Rect> objects, Random random) {
        for (int side : HOLE_SIDES) {
            double scale = (double) side / Math.max(shape.cols(), shape.rows());
            Mat scaled = new Mat();
            Imgproc.resize(shape, scaled, new Size(Math.max(1, shape.cols() * scale),
                    Math.max(1, shape.rows() * scale)), 0, 0, Imgproc.INTER_NEAREST);
            List<int[]> positions = new ArrayList<>();
            for (int y = MARGIN; y + scaled.rows() + MARGIN <= SIZE; y += 8) {
                for (int x = MARGIN; x + scaled.cols() + MARGIN <= SIZE; x += 8) {
                    positions.add(new int[] {x, y});
                }
            }
            Collections.shuffle(positions, random);
            for (int[] at : positions) {
                Rect area = new Rect(at[0] - MARGIN, at[1] - MARGIN, scaled.cols() + 2 * MARGIN,
                        scaled.rows() + 2 * MARGIN);
                if (objects.stream().noneMatch(o -> intersects(o, area))) {
                    Mat hole = Mat.zeros(SIZE, SIZE, CvType.CV_8UC1);
                    scaled.copyTo(hole.submat(new Rect(at[0], at[1], scaled.cols(), scaled.rows())));
                    return Optional.of(hole);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean intersects(Rect a, Rect b) {
        return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    }

    /** The annotated objects as boxes in benchmark coordinates (see {@link #ASSUMED_OBJECT_FRACTION}). */
    static List<Rect> objectBoxes(Path annotation, int width, int height) throws IOException {
        String json = Files.readString(annotation);
        double sx = (double) SIZE / width;
        double sy = (double) SIZE / height;
        List<Rect> boxes = new ArrayList<>();
        Matcher box = BOX.matcher(json);
        while (box.find()) {
            int x0 = Integer.parseInt(box.group(1));
            int y0 = Integer.parseInt(box.group(2));
            int x1 = Integer.parseInt(box.group(3));
            int y1 = Integer.parseInt(box.group(4));
            boxes.add(new Rect((int) (x0 * sx), (int) (y0 * sy), (int) Math.ceil((x1 - x0) * sx),
                    (int) Math.ceil((y1 - y0) * sy)));
        }
        int assumed = (int) (SIZE * ASSUMED_OBJECT_FRACTION);
        Matcher points = POINTS.matcher(json);
        while (points.find()) {
            Matcher point = POINT.matcher(points.group(1));
            while (point.find()) {
                int cx = (int) (Double.parseDouble(point.group(1)) * sx);
                int cy = (int) (Double.parseDouble(point.group(2)) * sy);
                boxes.add(new Rect(cx - assumed / 2, cy - assumed / 2, assumed, assumed));
            }
        }
        if (boxes.isEmpty()) {
            boxes.add(new Rect((SIZE - assumed) / 2, (SIZE - assumed) / 2, assumed, assumed));
        }
        return boxes;
    }

    /** Outlines every hole on its photo, one tile per case, to check by eye where the holes went. */
    static Mat contactSheet(List<HoleCase> cases, int columns) {
        int tile = SIZE / 4;
        int rows = (cases.size() + columns - 1) / columns;
        Mat sheet = Mat.zeros(rows * tile, columns * tile, CvType.CV_8UC3);
        for (int i = 0; i < cases.size(); i++) {
            Mat marked = cases.get(i).image().clone();
            List<MatOfPoint> contours = new ArrayList<>();
            Imgproc.findContours(cases.get(i).hole().clone(), contours, new Mat(), Imgproc.RETR_EXTERNAL,
                    Imgproc.CHAIN_APPROX_SIMPLE);
            Imgproc.drawContours(marked, contours, -1, new Scalar(0, 0, 255), 4);
            Mat small = new Mat();
            Imgproc.resize(marked, small, new Size(tile, tile), 0, 0, Imgproc.INTER_AREA);
            small.copyTo(sheet.submat(new Rect((i % columns) * tile, (i / columns) * tile, tile, tile)));
        }
        return sheet;
    }
}
