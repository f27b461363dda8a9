package io.brushline.grounding.datasets;

import io.brushline.common.messages.Box;
import io.brushline.common.messages.DatasetDrops;
import io.brushline.common.messages.DatasetSettings;
import io.brushline.common.messages.Detection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Which detected objects of one image a dataset job removes, and why the others are dropped. Each
 * object gets one verdict: kept, or the first check it fails, in this order:
 * <ol>
 * <li>{@code class_not_wanted}: its class is not among the requested ones;</li>
 * <li>{@code low_score}: the detector's score is under {@code min_score};</li>
 * <li>{@code area_too_small}, {@code area_too_large}: its box, as a fraction of the image;</li>
 * <li>{@code touches_border}: its box reaches more image edges than allowed, so the object is cut by the frame;</li>
 * <li>{@code occluded}: the boxes of smaller other detections cover too much of its box;</li>
 * <li>{@code ambiguous_instance}: its class is detected more than once in the image;</li>
 * <li>{@code over_image_limit}: it is not among the largest objects that passed every check above.</li>
 * </ol>
 * The checks on the object alone come first, then those that look at the other detections (which
 * count whatever their own verdict: a dropped object still hides or duplicates one that is kept), and
 * the per-image limit last, so that it only chooses among objects that would otherwise be kept.
 */
public final class DatasetFilters {

    /** A box edge this close to an image edge touches it: detector boxes rarely end on the last pixel. */
    static final int BORDER_TOLERANCE_PX = 2;

    private DatasetFilters() {
    }

    /** The verdict on one detection: {@code droppedReason} is null when the object is kept. */
    public record Verdict(Detection detection, String droppedReason) {

        public boolean kept() {
            return droppedReason == null;
        }
    }

    /**
     * The verdicts on one image's detections.
     *
     * @param kept    the objects to remove, largest first (their index here is the object's number in the dataset)
     * @param dropped the number of objects dropped, by reason
     */
    public record Survey(List<Detection> kept, Map<String, Integer> dropped, List<Verdict> verdicts) {
    }

    /**
     * @param settings the dataset's settings with defaults filled ({@link DatasetSettings#withDefaults()})
     */
    public static Survey apply(int width, int height, List<Detection> detections, DatasetSettings settings) {
        Set<String> wanted = settings.classes().stream().map(DatasetFilters::normalised)
                .collect(Collectors.toSet());
        Map<String, Long> perClass = detections.stream()
                .collect(Collectors.groupingBy(d -> normalised(d.label()), Collectors.counting()));
        double imageArea = (double) width * height;
        String[] reasons = new String[detections.size()];
        for (int i = 0; i < reasons.length; i++) {
            Detection detection = detections.get(i);
            String label = normalised(detection.label());
            double area = area(detection.box()) / imageArea;
            if (!wanted.isEmpty() && !wanted.contains(label)) {
                reasons[i] = DatasetDrops.CLASS_NOT_WANTED;
            } else if (detection.score() < settings.minScore()) {
                reasons[i] = DatasetDrops.LOW_SCORE;
            } else if (area < settings.minArea()) {
                reasons[i] = DatasetDrops.AREA_TOO_SMALL;
            } else if (area > settings.maxArea()) {
                reasons[i] = DatasetDrops.AREA_TOO_LARGE;
            } else if (bordersTouched(detection.box(), width, height) > settings.maxBorderSides()) {
                reasons[i] = DatasetDrops.TOUCHES_BORDER;
            } else if (coveredFraction(i, detections) > settings.maxOverlap()) {
                reasons[i] = DatasetDrops.OCCLUDED;
            } else if (settings.singleInstance() && perClass.get(label) > 1) {
                reasons[i] = DatasetDrops.AMBIGUOUS_INSTANCE;
            }
        }
        // Largest first; equal areas keep the detector's order, so a redelivered survey numbers objects the same.
        List<Integer> passed = IntStream.range(0, reasons.length).filter(i -> reasons[i] == null).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> area(detections.get(i).box())).reversed())
                .toList();
        List<Detection> kept = new ArrayList<>();
        for (int i : passed) {
            if (kept.size() < settings.maxObjectsPerImage()) {
                kept.add(detections.get(i));
            } else {
                reasons[i] = DatasetDrops.OVER_IMAGE_LIMIT;
            }
        }
        List<Verdict> verdicts = IntStream.range(0, reasons.length)
                .mapToObj(i -> new Verdict(detections.get(i), reasons[i])).toList();
        Map<String, Integer> dropped = verdicts.stream().filter(v -> !v.kept())
                .collect(Collectors.toMap(Verdict::droppedReason, v -> 1, Integer::sum, TreeMap::new));
        return new Survey(List.copyOf(kept), dropped, verdicts);
    }

    /** How many image edges the box reaches (within {@link #BORDER_TOLERANCE_PX}). */
    static int bordersTouched(Box box, int width, int height) {
        int touched = 0;
        touched += box.x1() <= BORDER_TOLERANCE_PX ? 1 : 0;
        touched += box.y1() <= BORDER_TOLERANCE_PX ? 1 : 0;
        touched += box.x2() >= width - BORDER_TOLERANCE_PX ? 1 : 0;
        touched += box.y2() >= height - BORDER_TOLERANCE_PX ? 1 : 0;
        return touched;
    }

    /**
     * The fraction of the object's box that the union of the boxes of smaller other detections covers:
     * the boxes' edges cut the object's box into cells, and a cell counts once however many boxes cover
     * it. A larger box that overlaps the object is most often what it stands on or in front of (the
     * table under a cup, the bench under a dog), not something hiding it: counting it would drop every
     * object on a surface.
     */
    static double coveredFraction(int index, List<Detection> all) {
        Box box = all.get(index).box();
        List<Box> covers = IntStream.range(0, all.size()).filter(i -> i != index).mapToObj(i -> all.get(i).box())
                .filter(other -> area(other) <= area(box))
                .map(other -> intersection(box, other)).filter(b -> !b.isEmpty()).toList();
        if (covers.isEmpty() || box.isEmpty()) {
            return 0;
        }
        TreeSet<Integer> xs = new TreeSet<>();
        TreeSet<Integer> ys = new TreeSet<>();
        for (Box c : covers) {
            xs.addAll(List.of(c.x1(), c.x2()));
            ys.addAll(List.of(c.y1(), c.y2()));
        }
        Integer[] x = xs.toArray(Integer[]::new);
        Integer[] y = ys.toArray(Integer[]::new);
        double covered = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            for (int j = 0; j + 1 < y.length; j++) {
                int cx = x[i];
                int cy = y[j];
                if (covers.stream().anyMatch(c -> c.x1() <= cx && cx < c.x2() && c.y1() <= cy && cy < c.y2())) {
                    covered += (double) (x[i + 1] - x[i]) * (y[j + 1] - y[j]);
                }
            }
        }
        return covered / area(box);
    }

    private static Box intersection(Box a, Box b) {
        return new Box(Math.max(a.x1(), b.x1()), Math.max(a.y1(), b.y1()), Math.min(a.x2(), b.x2()),
                Math.min(a.y2(), b.y2()));
    }

    static double area(Box box) {
        return box.isEmpty() ? 0 : (double) box.width() * box.height();
    }

    private static String normalised(String label) {
        return label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
    }
}
