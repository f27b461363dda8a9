package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.opencv.core.Mat;
import org.opencv.core.Size;

/**
 * The detector against transformers' GroundingDINO on the golden data of
 * tools/models/make_detector_goldens.py: three aspect ratios times three captions of 4, 5 and 11 tokens,
 * a tiny random-weight model of the real architecture exported by tools/export/export_grounding_dino.py
 * (traced at one size and caption, run here at others). Every query's score must be within 1e-4 and its
 * box within 1 px of what GroundingDinoProcessor, the eager model and
 * post_process_grounded_object_detection give.
 */
class GroundingDinoGoldenTest extends DetectorGoldenTest<GroundingDinoDetector> {

    GroundingDinoGoldenTest() {
        super("/golden/grounding-dino", "GroundingDINO");
    }

    @Override
    GroundingDinoDetector open(Path folder, JsonNode settings) {
        return new GroundingDinoDetector(folder.resolve("grounding-dino.pt"),
                folder.resolve("grounding-dino-tokenizer.json"), settings.get("short_side").asInt(),
                settings.get("long_side").asInt(), 0.0, 1.0);
    }

    @Override
    void checkInputs(GroundingDinoDetector detector, Mat image, String phrase, JsonNode expected, JsonNode settings) {
        Size input = GroundingDinoDetector.inputSize(image.cols(), image.rows(), settings.get("short_side").asInt(),
                settings.get("long_side").asInt());
        assertEquals(expected.get("input_size").get(1).asInt(), (int) input.width, "input width");
        assertEquals(expected.get("input_size").get(0).asInt(), (int) input.height, "input height");
        assertArrayEquals(longs(expected.get("input_ids")), detector.caption(phrase).ids(), "token ids");
    }
}
