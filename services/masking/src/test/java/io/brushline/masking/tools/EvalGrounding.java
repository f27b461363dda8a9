package io.brushline.masking.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import io.brushline.grounding.CocoVocabulary;
import io.brushline.grounding.DetectionOutcome;
import io.brushline.grounding.YoloxDetector;
import io.brushline.masking.MaskOps;
import io.brushline.masking.MaskingConfig;
import io.brushline.masking.OfflineSegmenter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/**
 * Measures the offline path on the annotated photos ({@code <data>/annotations/*.json}):
 * <ul>
 * <li>detection recall at IoU 0.5 over annotated boxes whose label maps to a COCO class (for a plural
 * label whose box encloses several instances, the union of the detections counts);</li>
 * <li>for labels without a box, whether the object is found at all;</li>
 * <li>mask IoU against annotated masks, for the best detection refined by each refinement mode;</li>
 * <li>time per image for detection and refinement (after one warm-up run).</li>
 * </ul>
 * Usage: {@code EvalGrounding <images-dir>}.
 */
public final class EvalGrounding {

    private EvalGrounding() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/images");
        Engines engines = new Engines();
        ObjectMapper json = new ObjectMapper();
        List<Path> annotations;
        try (Stream<Path> files = Files.list(data.resolve("annotations"))) {
            annotations = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        try (YoloxDetector detector = engines.detector()) {
            int boxes = 0;
            int found = 0;
            List<Long> detectMillis = new ArrayList<>();
            List<String> maskRows = new ArrayList<>();
            boolean warm = false;
            for (Path annotation : annotations) {
                JsonNode doc = json.readTree(annotation.toFile());
                String file = doc.get("image").asText();
                Mat image = ImageCodec.decodeColor(Files.readAllBytes(data.resolve(file)), file);
                for (JsonNode object : doc.get("objects")) {
                    String label = object.get("label").asText();
                    Optional<CocoVocabulary.Query> query = CocoVocabulary.lookup(label);
                    if (query.isEmpty()) {
                        System.out.printf(Locale.ROOT, "skip %-28s %-16s (no COCO class)%n", file, label);
                        continue;
                    }
                    if (!warm) {
                        detector.detectClass(image, query.get());
                        warm = true;
                    }
                    long t0 = System.nanoTime();
                    DetectionOutcome outcome = detector.detectClass(image, query.get());
                    detectMillis.add((System.nanoTime() - t0) / 1_000_000);
                    if (object.has("bbox_xyxy")) {
                        Box truth = box(object.get("bbox_xyxy"));
                        double iou = bestIou(outcome, truth, query.get().allInstances());
                        boxes++;
                        found += iou >= 0.5 ? 1 : 0;
                        System.out.printf(Locale.ROOT, "box  %-28s %-16s -> %-14s IoU %.2f %s (best score %.2f)%n",
                                file, label, query.get().className(), iou, iou >= 0.5 ? "found" : "MISSED",
                                outcome.bestScore());
                    }
                    if (!object.has("bbox_xyxy")) {
                        // a label without a box: only whether the object is found at all can be checked
                        System.out.printf(Locale.ROOT, "seen %-28s %-16s -> %-14s %s (best score %.2f)%n", file,
                                label, query.get().className(),
                                outcome.detections().isEmpty() ? "MISSED" : "found", outcome.bestScore());
                    }
                    if (object.has("mask") && !outcome.detections().isEmpty()) {
                        Mat truth = ImageCodec.decodeMask(Files.readAllBytes(data.resolve(object.get("mask").asText())),
                                "mask");
                        maskRows.add(maskIous(engines, image, outcome.detections().get(0), truth, file, label));
                    }
                }
            }
            System.out.println();
            maskRows.forEach(System.out::println);
            System.out.println();
            System.out.printf(Locale.ROOT, "detection recall at IoU 0.5: %d/%d = %.2f%n", found, boxes,
                    boxes == 0 ? 0 : (double) found / boxes);
            System.out.printf(Locale.ROOT, "detection time per image: mean %.0f ms, max %d ms%n",
                    detectMillis.stream().mapToLong(Long::longValue).average().orElse(0),
                    detectMillis.stream().mapToLong(Long::longValue).max().orElse(0));
        }
    }

    /** Mask IoU of the detected box refined by each mode, and the time each took. */
    private static String maskIous(Engines engines, Mat image, Detection detection, Mat truth, String file,
            String label) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "mask %-28s %-8s", file, label));
        for (MaskingConfig.Refinement mode : MaskingConfig.Refinement.values()) {
            try (OfflineSegmenter segmenter = engines.segmenter(mode)) {
                segmenter.segment(image, List.of(detection), List.of());
                long t0 = System.nanoTime();
                Mat mask = segmenter.segment(image, List.of(detection), List.of());
                long millis = (System.nanoTime() - t0) / 1_000_000;
                Mat dilated = MaskOps.dilate(mask, engines.masking.dilation().local());
                row.append(String.format(Locale.ROOT, " | %s IoU %.2f (LOCAL-dilated %.2f) %d ms", mode,
                        iou(mask, truth), iou(dilated, truth), millis));
            }
        }
        return row.toString();
    }

    private static double bestIou(DetectionOutcome outcome, Box truth, boolean plural) {
        double best = outcome.detections().stream().mapToDouble(d -> d.box().iou(truth)).max().orElse(0);
        if (plural && outcome.detections().size() > 1) {
            Box union = outcome.detections().stream().map(Detection::box)
                    .reduce((a, b) -> new Box(Math.min(a.x1(), b.x1()), Math.min(a.y1(), b.y1()),
                            Math.max(a.x2(), b.x2()), Math.max(a.y2(), b.y2())))
                    .orElseThrow();
            best = Math.max(best, union.iou(truth));
        }
        return best;
    }

    private static Box box(JsonNode xyxy) {
        return new Box(xyxy.get(0).asInt(), xyxy.get(1).asInt(), xyxy.get(2).asInt(), xyxy.get(3).asInt());
    }

    private static double iou(Mat a, Mat b) {
        Mat inter = new Mat();
        Mat union = new Mat();
        Core.bitwise_and(a, b, inter);
        Core.bitwise_or(a, b, union);
        return (double) Core.countNonZero(inter) / Math.max(1, Core.countNonZero(union));
    }
}
