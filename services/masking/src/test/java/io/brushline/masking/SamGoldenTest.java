package io.brushline.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.Point;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/**
 * The segmenter against segment-anything's SamPredictor on the golden data of
 * tools/models/make_segmenter_goldens.py: a tiny random-weight SAM of the real architecture exported by
 * tools/export/export_sam.py, two aspect ratios, box, point and box-plus-point prompts. Each mask must
 * overlap the reference's with an IoU of at least 0.995.
 */
class SamGoldenTest {

    private static final double MIN_IOU = 0.995;

    private static Path dir;
    private static SamSegmenter sam;

    @BeforeAll
    static void load() throws URISyntaxException, IOException {
        ImageCodec.init();
        dir = Path.of(SamGoldenTest.class.getResource("/golden/sam/cases.json").toURI()).getParent();
        int side = new ObjectMapper().readTree(dir.resolve("cases.json").toFile()).get("input_side").asInt();
        sam = new SamSegmenter(dir.resolve("sam-encoder.pt"), dir.resolve("sam-decoder.pt"), side);
    }

    @AfterAll
    static void close() {
        sam.close();
    }

    static Stream<Arguments> cases() throws URISyntaxException, IOException {
        Path file = Path.of(SamGoldenTest.class.getResource("/golden/sam/cases.json").toURI());
        List<Arguments> cases = new ArrayList<>();
        new ObjectMapper().readTree(file.toFile()).get("cases").forEach(c -> cases.add(
                Arguments.of(c.get("image").asText(), c.get("prompt").asText(), c)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesSegmentAnything(String imageName, String prompt, JsonNode expected) throws IOException {
        Mat image = read(imageName, false);
        List<Detection> boxes = new ArrayList<>();
        JsonNode b = expected.get("box");
        if (!b.isNull()) {
            boxes.add(new Detection(new Box(b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(), b.get(3).asInt()),
                    "object", 1.0));
        }
        List<Point> points = new ArrayList<>();
        expected.get("points").forEach(p -> points.add(new Point(p.get(0).asInt(), p.get(1).asInt(),
                p.get(2).asInt() == 1)));
        Mat reference = read(expected.get("mask").asText(), true);

        Mat mask = sam.segment(image, boxes, points);
        assertEquals(image.cols(), mask.cols());
        assertEquals(image.rows(), mask.rows());
        assertTrue(Core.countNonZero(reference) > 0, "the reference mask is empty");
        double iou = OfflineSegmenterTest.iou(mask, reference);
        System.out.printf("SAM golden %s %s: mask IoU %.5f%n", imageName, prompt, iou);
        assertTrue(iou >= MIN_IOU, imageName + " " + prompt + ": IoU " + iou);
    }

    private static Mat read(String name, boolean grey) throws IOException {
        byte[] bytes = Files.readAllBytes(dir.resolve(name));
        return grey ? ImageCodec.decodeMask(bytes, name) : ImageCodec.decodeColor(bytes, name);
    }
}
