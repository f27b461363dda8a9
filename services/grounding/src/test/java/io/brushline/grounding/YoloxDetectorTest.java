package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import io.brushline.common.testing.SharedData;
import io.brushline.embedding.SentenceEmbedder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

/** The real YOLOX-nano model on real photos. */
class YoloxDetectorTest {

    private static YoloxDetector detector;

    @BeforeAll
    static void load() {
        detector = new YoloxDetector(SharedData.model("yolox_nano.onnx"), 0.3, 0.45,
                new ClassMatcher(SentenceEmbedder.load(1)));
    }

    @AfterAll
    static void close() {
        if (detector != null) {
            detector.close();
        }
    }

    @Test
    void findsTheDogInAPhoto() {
        Mat image = SharedData.image("gsam_demo2_dog.jpg");
        DetectionOutcome outcome = detector.detect(image, "the running dog");
        assertFalse(outcome.detections().isEmpty(), "best score " + outcome.bestScore());
        Detection best = outcome.selected().get(0);
        assertEquals("dog", best.label());
        assertEquals(1, outcome.selected().size());
        assertTrue(best.box().fitsIn(image.cols(), image.rows()));
        // the dog fills a good part of this 2048x1365 photo
        assertTrue(best.box().width() > 300 && best.box().height() > 300, best.box().toString());
    }

    @Test
    void aSynonymFindsTheSameObject() {
        Mat image = SharedData.image("sam_dog.jpg");
        Detection dog = detector.detect(image, "dog").selected().get(0);
        Detection puppy = detector.detect(image, "the puppy").selected().get(0);
        assertEquals(dog.box(), puppy.box());
        // the annotated point prompt for this dog is (200, 450)
        Box box = dog.box();
        assertTrue(box.x1() <= 200 && 200 < box.x2() && box.y1() <= 450 && 450 < box.y2(), box.toString());
    }

    @Test
    void whatAPhraseIsLookedForAsIsItsClass() {
        assertEquals("dog", detector.lookedForAs("the puppy"));
        assertEquals("dining table", detector.lookedForAs("dining table"));
        assertEquals(FailureCodes.UNKNOWN_OBJECT_CLASS,
                assertThrows(StageFailure.class, () -> detector.lookedForAs("whale")).code());
        // a part taken for a whole by meaning: why a dataset row says what its object was checked as
        assertEquals("bicycle", detector.lookedForAs("wheel"));
    }

    @Test
    void anAbsentObjectIsAnEmptyOutcomeWithTheBestScore() {
        DetectionOutcome outcome = detector.detect(SharedData.image("sam_dog.jpg"), "giraffe");
        assertTrue(outcome.detections().isEmpty());
        assertTrue(outcome.bestScore() < 0.3);
        assertEquals(0.3, outcome.threshold());
    }

    @Test
    void aPhraseOutsideTheClassesIsRefusedWithAReason() {
        var failure = assertThrows(StageFailure.class,
                () -> detector.detect(SharedData.image("sam_dog.jpg"), "the whale"));
        assertEquals(FailureCodes.UNKNOWN_OBJECT_CLASS, failure.code());
        assertTrue(failure.getMessage().contains("'the whale'"), failure.getMessage());
        assertTrue(failure.getMessage().contains("nearest classes it knows are"), failure.getMessage());
    }

    @Test
    void aSmallObjectIsFoundByLookingCloser() {
        // the boat is 40 px high in a 640 px photo: too small for the whole-image pass
        Mat image = SharedData.image("inpaint_anything_boat.jpg");
        Detection boat = detector.detect(image, "the boat").selected().get(0);
        assertEquals("boat", boat.label());
        assertTrue(boat.box().y1() > image.rows() / 2, boat.box().toString());
    }

    @Test
    void anyObjectIsLabelledWithItsClass() {
        var labels = detector.detectAny(SharedData.image("gdino_cat_dog.jpg")).detections().stream()
                .map(Detection::label).toList();
        assertTrue(labels.contains("cat") && labels.contains("dog"), labels.toString());
    }

    /**
     * A detection with the tiled second look (no bicycle in the photo) and one found at once: the caller's
     * image is left alone, every temporary matrix is released, and the model's manager holds no more
     * arrays after many calls than after the first.
     */
    @Test
    void detectionsReleaseTheirMatricesAndArrays() {
        Mat image = SharedData.image("sam_dog.jpg");
        NDManager manager = detector.modelManager();
        detector.detect(image, "the bicycle");
        int arrays = manager.getManagedArrays().size();
        String resources = manager.toString();
        MatScope.Counts before = MatScope.counts();
        for (int i = 0; i < 10; i++) {
            detector.detect(image, "the bicycle");
            detector.detect(image, "the dog");
        }
        MatScope.Counts jobs = MatScope.counts().since(before);
        assertFalse(image.empty(), "the caller's image was released");
        assertTrue(jobs.added() > 0, "no matrix went through a scope");
        assertEquals(jobs.added(), jobs.released(), "matrices left to the garbage collector");
        assertEquals(arrays, manager.getManagedArrays().size(), "arrays left on the model's manager");
        assertEquals(resources, manager.toString());
    }

    @Test
    void tilesCoverTheImageAndOverlap() {
        var tiles = YoloxDetector.tiles(503, 640);
        assertEquals(4, tiles.size());
        assertEquals(0, tiles.get(0).x);
        assertEquals(503, tiles.get(3).x + tiles.get(3).width);
        assertEquals(640, tiles.get(3).y + tiles.get(3).height);
        assertTrue(tiles.get(0).width > tiles.get(3).x, "tiles overlap");
    }

    @Test
    void boxesAreRankedAndDoNotOverlapMuch() {
        DetectionOutcome outcome = detector.detect(SharedData.image("gdino_cat_dog.jpg"), "all the animals cat");
        var boxes = outcome.detections();
        for (int i = 1; i < boxes.size(); i++) {
            assertTrue(boxes.get(i - 1).score() >= boxes.get(i).score());
            assertTrue(boxes.get(i - 1).box().iou(boxes.get(i).box()) <= 0.45);
        }
    }
}
