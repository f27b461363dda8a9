package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.opencv.core.Mat;

/**
 * The OWLv2 detector against transformers' Owlv2Processor, Owlv2ForObjectDetection and
 * post_process_object_detection on the golden data of tools/models/make_detector_goldens.py: a tiny
 * random-weight OWLv2 of the real architecture exported by tools/export/export_owlv2.py, images that are
 * downscaled (smoothed first, as the reference does) and upscaled. Every patch's score must be within
 * 1e-4 and its box within 1 px.
 */
class Owlv2GoldenTest extends DetectorGoldenTest<Owlv2Detector> {

    Owlv2GoldenTest() {
        super("/golden/owlv2", "OWLv2");
    }

    @Override
    Owlv2Detector open(Path folder, JsonNode settings) {
        return new Owlv2Detector(folder.resolve("owlv2.pt"), folder.resolve("owlv2-tokenizer.json"),
                settings.get("input_side").asInt(), 0.0, 1.0);
    }

    @Override
    void checkInputs(Owlv2Detector detector, Mat image, String phrase, JsonNode expected, JsonNode settings) {
        long[][] tokens = detector.tokens(phrase);
        assertArrayEquals(longs(expected.get("input_ids")), tokens[0], "token ids");
        assertArrayEquals(longs(expected.get("attention_mask")), tokens[1], "attention mask");
    }
}
