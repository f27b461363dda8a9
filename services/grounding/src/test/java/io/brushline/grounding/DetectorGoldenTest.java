package io.brushline.grounding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.imaging.ImageCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencv.core.Mat;

/**
 * What every detector's golden test does with a golden folder of tools/models/make_detector_goldens.py
 * (a tiny random-weight model, its tokenizer, images and cases.json): open the detector on the folder,
 * then for each case check what the detector feeds the model ({@link #checkInputs}, the detector's own
 * part) and match its detections (threshold 0, no suppression) to the reference's with
 * {@link GoldenDetections}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DetectorGoldenTest<D extends ObjectDetector> {

    private final String resource;
    private final String name;
    private Path folder;
    private JsonNode settings;
    private D detector;

    /**
     * @param resource the golden folder, e.g. "/golden/owlv2"
     * @param name the detector's name in the printed figures
     */
    DetectorGoldenTest(String resource, String name) {
        this.resource = resource;
        this.name = name;
    }

    /**
     * The detector on the folder's model, with threshold 0 and no suppression so that every query comes
     * back, to be compared one by one; {@code settings} is cases.json.
     */
    abstract D open(Path folder, JsonNode settings);

    /** Asserts what the detector feeds the model for the case (token ids, input size) is the reference's. */
    abstract void checkInputs(D detector, Mat image, String phrase, JsonNode expected, JsonNode settings);

    @BeforeAll
    void openDetector() throws IOException {
        ImageCodec.init();
        folder = GoldenDetections.folder(resource);
        settings = new ObjectMapper().readTree(folder.resolve("cases.json").toFile());
        detector = open(folder, settings);
    }

    @AfterAll
    void closeDetector() {
        detector.close();
    }

    Stream<Arguments> cases() throws IOException {
        return GoldenDetections.cases(GoldenDetections.folder(resource).resolve("cases.json"));
    }

    @ParameterizedTest(name = "{0} \"{1}\"")
    @MethodSource("cases")
    void matchesTransformers(String imageName, String phrase, JsonNode expected) throws IOException {
        Mat image = ImageCodec.decodeColor(Files.readAllBytes(folder.resolve(imageName)), imageName);
        checkInputs(detector, image, phrase, expected, settings);
        GoldenDetections reference = GoldenDetections.of(expected, image.cols(), image.rows());
        DetectionOutcome outcome = detector.detect(image, phrase);
        reference.assertMatches(outcome, name + " golden " + imageName + " \"" + phrase + "\"");
    }

    /** A JSON array of whole numbers (token ids, an attention mask). */
    static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }
}
