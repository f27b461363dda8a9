package io.brushline.grounding.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.DatasetSettings;
import io.brushline.common.messages.Detection;
import io.brushline.common.testing.SharedData;
import io.brushline.grounding.YoloxDetector;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

/** The real YOLOX-nano model's all-objects mode and the default filters on real photos. */
class DatasetSurveyOnPhotosTest {

    private static YoloxDetector detector;

    @BeforeAll
    static void load() {
        detector = new YoloxDetector(SharedData.model("yolox_nano.onnx"), 0.3, 0.45);
    }

    @AfterAll
    static void close() {
        if (detector != null) {
            detector.close();
        }
    }

    private record Surveyed(DatasetFilters.Survey survey, List<Detection> found, int width) {

        String verdict(String label) {
            return survey.verdicts().stream().filter(v -> v.detection().label().equals(label))
                    .map(v -> v.kept() ? "kept" : v.droppedReason()).findFirst().orElse("not detected");
        }
    }

    private static Surveyed survey(String photo) {
        try (MatScope scope = new MatScope()) {
            Mat image = scope.add(SharedData.image(photo));
            List<Detection> found = detector.detectAny(image).detections();
            return new Surveyed(DatasetFilters.apply(image.cols(), image.rows(), found, DatasetSettings.DEFAULTS),
                    found, image.cols());
        }
    }

    @Test
    void theDogOnTheBenchIsKeptAndTheBenchUnderItIsTooLarge() {
        Surveyed s = survey("iopaint_dog_on_bench.jpg");
        assertEquals("kept", s.verdict("dog"), s.survey().verdicts().toString());
        assertEquals("area_too_large", s.verdict("bench"), s.survey().verdicts().toString());
        Detection dog = s.survey().kept().get(0);
        // the dog's box in the photo's annotations
        assertTrue(dog.box().iou(new Box(172, 108, 315, 471)) > 0.7, dog.box().toString());
        assertEquals("add a dog on the bench", AddInstructions.forObject(dog, s.found(), s.width()));
    }

    @Test
    void aPersonCutByTheFrameIsDroppedAndTheDogKept() {
        Surveyed s = survey("sam_dog.jpg");
        assertEquals("touches_border", s.verdict("person"), s.survey().verdicts().toString());
        assertEquals("kept", s.verdict("dog"), s.survey().verdicts().toString());
    }
}
