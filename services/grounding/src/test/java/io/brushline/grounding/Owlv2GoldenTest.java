package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.imaging.ImageCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencv.core.Mat;

/**
 * The OWLv2 detector against transformers' Owlv2Processor, Owlv2ForObjectDetection and
 * post_process_object_detection on the golden data of tools/models/make_detector_goldens.py: a tiny
 * random-weight OWLv2 of the real architecture exported by tools/export/export_owlv2.py, images that are
 * downscaled (smoothed first, as the reference does) and upscaled. Every patch's score must be within
 * 1e-4 and its box within 1 px.
 */
class Owlv2GoldenTest {

    private static Path dir;
    private static Owlv2Detector detector;

    @BeforeAll
    static void load() throws IOException {
        ImageCodec.init();
        dir = GoldenDetections.folder("/golden/owlv2");
        int side = new ObjectMapper().readTree(dir.resolve("cases.json").toFile()).get("input_side").asInt();
        // threshold 0 and no suppression: every patch comes back, to be compared one by one
        detector = new Owlv2Detector(dir.resolve("owlv2.pt"), dir.resolve("owlv2-tokenizer.json"), side, 0.0, 1.0);
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    static Stream<Arguments> cases() throws IOException {
        return GoldenDetections.cases(GoldenDetections.folder("/golden/owlv2").resolve("cases.json"));
    }

    @ParameterizedTest(name = "{0} \"{1}\"")
    @MethodSource("cases")
    void matchesTransformers(String imageName, String phrase, JsonNode expected) throws IOException {
        Mat image = ImageCodec.decodeColor(Files.readAllBytes(dir.resolve(imageName)), imageName);
        long[][] tokens = detector.tokens(phrase);
        assertArrayEquals(longs(expected.get("input_ids")), tokens[0], "token ids");
        assertArrayEquals(longs(expected.get("attention_mask")), tokens[1], "attention mask");

        GoldenDetections reference = GoldenDetections.of(expected, image.cols(), image.rows());
        DetectionOutcome outcome = detector.detect(image, phrase);
        reference.assertMatches(outcome, "OWLv2 golden " + imageName + " \"" + phrase + "\"");
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }
}
