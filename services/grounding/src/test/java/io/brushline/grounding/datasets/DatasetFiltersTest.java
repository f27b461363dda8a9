package io.brushline.grounding.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brushline.common.messages.Box;
import io.brushline.common.messages.DatasetSettings;
import io.brushline.common.messages.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which objects of a 1000x800 image a dataset removes, and the one reason each other object is dropped for. */
class DatasetFiltersTest {

    private static final int W = 1000;
    private static final int H = 800;
    private static final DatasetSettings DEFAULTS = DatasetSettings.DEFAULTS.withDefaults();

    private static Detection at(String label, int x1, int y1, int x2, int y2) {
        return new Detection(new Box(x1, y1, x2, y2), label, 0.8);
    }

    private static List<String> verdicts(List<Detection> detections, DatasetSettings settings) {
        return DatasetFilters.apply(W, H, detections, settings).verdicts().stream()
                .map(v -> v.kept() ? "kept" : v.droppedReason()).toList();
    }

    @Test
    void eachCheckDropsWhatItIsFor() {
        List<Detection> detections = List.of(
                at("dog", 100, 300, 300, 600),       // 7.5 % of the image, clear of everything: kept
                at("cat", 320, 700, 330, 710),       // 0.0125 %: too small
                at("bed", 350, 250, 1000, 800),      // 45 %: too large (it touches two edges too, but size comes first)
                at("car", 0, 0, 200, 150),           // touches the left and top edges
                at("couch", 400, 20, 600, 200),      // the couch and the bench hide half of each other
                at("bench", 500, 20, 700, 200),
                at("vase", 220, 50, 300, 150),       // 1 %: kept
                at("chair", 50, 650, 130, 750),      // two chairs: "add a chair" would not say which
                at("chair", 200, 650, 280, 750));
        assertEquals(List.of("kept", "area_too_small", "area_too_large", "touches_border", "occluded",
                "occluded", "kept", "ambiguous_instance", "ambiguous_instance"), verdicts(detections, DEFAULTS));

        DatasetFilters.Survey survey = DatasetFilters.apply(W, H, detections, DEFAULTS);
        assertEquals(List.of(detections.get(0), detections.get(6)), survey.kept(), "largest first");
        assertEquals(Map.of("area_too_small", 1, "area_too_large", 1, "touches_border", 1, "occluded", 2,
                "ambiguous_instance", 2), survey.dropped());
    }

    @Test
    void onlyTheRequestedClassesAreKeptAndThatCheckComesFirst() {
        DatasetSettings dogsOnly = new DatasetSettings(List.of("Dog"), null, null, null, null, null, null, null, null)
                .withDefaults();
        List<Detection> detections = List.of(at("dog", 100, 300, 300, 600), at("cat", 500, 500, 510, 510),
                at("person", 600, 100, 800, 400));
        assertEquals(List.of("kept", "class_not_wanted", "class_not_wanted"), verdicts(detections, dogsOnly));
    }

    @Test
    void anObjectTheDetectorIsUnsureOfIsDroppedUnderMinScore() {
        Detection unsure = new Detection(new Box(100, 300, 300, 600), "giraffe", 0.34);
        Detection sure = new Detection(new Box(500, 300, 700, 600), "dog", 0.5);
        assertEquals(List.of("low_score", "kept"), verdicts(List.of(unsure, sure), DEFAULTS));
        DatasetSettings anyScore = new DatasetSettings(null, null, null, null, null, null, null, null, 0.3)
                .withDefaults();
        assertEquals(List.of("kept", "kept"), verdicts(List.of(unsure, sure), anyScore));
    }

    @Test
    void aBoxMayTouchAsManyEdgesAsAllowedWithinTwoPixels() {
        Detection leftEdge = at("dog", 2, 300, 200, 500);
        Detection corner = at("cat", 1, 600, 200, 798);
        assertEquals(List.of("kept", "touches_border"), verdicts(List.of(leftEdge, corner), DEFAULTS));
        DatasetSettings twoSides = new DatasetSettings(null, null, null, 2, null, null, null, null, null).withDefaults();
        assertEquals(List.of("kept", "kept"), verdicts(List.of(leftEdge, corner), twoSides));
        assertEquals(2, DatasetFilters.bordersTouched(corner.box(), W, H));
        assertEquals(0, DatasetFilters.bordersTouched(new Box(3, 3, 997, 797), W, H));
    }

    @Test
    void coverageCountsOverlappingCoversOnce() {
        List<Detection> detections = List.of(at("sofa", 0, 0, 100, 100), at("cup", 0, 0, 50, 100),
                at("bowl", 25, 0, 75, 100), at("book", 500, 500, 600, 600));
        // the cup and the bowl overlap each other: together they cover 75 of the sofa's 100 columns
        assertEquals(0.75, DatasetFilters.coveredFraction(0, detections), 1e-9);
        // the cup lies within the sofa, which is larger: what it stands on, not what hides it
        assertEquals(0.5, DatasetFilters.coveredFraction(1, detections), 1e-9);
        assertEquals(0.0, DatasetFilters.coveredFraction(3, detections), 1e-9);
    }

    @Test
    void anObjectOnALargerOneIsNotOccludedByIt() {
        List<Detection> dogOnBench = List.of(at("bench", 100, 400, 900, 700), at("dog", 300, 200, 500, 650));
        assertEquals(List.of("kept", "kept"), verdicts(dogOnBench, DEFAULTS));
    }

    @Test
    void theLimitKeepsTheLargestAndNamesTheRestOverTheLimit() {
        List<Detection> detections = new ArrayList<>();
        String[] labels = {"dog", "cat", "horse", "sheep", "cow"};
        for (int i = 0; i < labels.length; i++) {
            int size = 100 + 20 * i;
            detections.add(at(labels[i], 10 + 190 * i, 300, 10 + 190 * i + size, 300 + size));
        }
        DatasetFilters.Survey survey = DatasetFilters.apply(W, H, detections, DEFAULTS);
        assertEquals(List.of("cow", "sheep", "horse"), survey.kept().stream().map(Detection::label).toList());
        assertEquals(List.of("over_image_limit", "over_image_limit", "kept", "kept", "kept"),
                verdicts(detections, DEFAULTS));
        assertEquals(Map.of("over_image_limit", 2), survey.dropped());
    }

    @Test
    void twoInstancesAreFineWhenSingleInstanceIsOff() {
        DatasetSettings many = new DatasetSettings(null, null, null, null, null, false, null, null, null).withDefaults();
        List<Detection> chairs = List.of(at("chair", 100, 300, 200, 450), at("chair", 600, 300, 700, 450));
        assertEquals(List.of("kept", "kept"), verdicts(chairs, many));
    }
}
