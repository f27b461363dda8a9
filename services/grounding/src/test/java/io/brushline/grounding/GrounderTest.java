package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Grounding;
import io.brushline.common.messages.Hints;
import io.brushline.common.messages.ImageRef;
import io.brushline.common.messages.Placement;
import io.brushline.common.messages.Point;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** The per-category grounding rules, with a detector that knows two dogs and nothing else. */
class GrounderTest {

    private static final int W = 640;
    private static final int H = 480;
    private static final Detection BIG_DOG = new Detection(new Box(300, 200, 400, 400), "dog", 0.9);
    private static final Detection SMALL_DOG = new Detection(new Box(10, 10, 60, 60), "dog", 0.5);

    private static final Detection PERSON = new Detection(new Box(100, 100, 300, 450), "person", 0.8);
    private static final Detection FAR_PERSON = new Detection(new Box(500, 100, 600, 300), "person", 0.9);
    private static final Detection CUP = new Detection(new Box(0, 0, 30, 30), "cup", 0.95);

    private static final ObjectDetector DOGS = new ObjectDetector() {
        @Override
        public DetectionOutcome detect(Mat image, String phrase) {
            var query = CocoVocabulary.lookup(phrase).orElseThrow(
                    () -> new StageFailure(FailureCodes.UNKNOWN_OBJECT_CLASS, "unknown " + phrase));
            return query.className().equals("dog")
                    ? new DetectionOutcome(List.of(BIG_DOG, SMALL_DOG), 0.9, 0.3, query.allInstances())
                    : new DetectionOutcome(List.of(), 0.12, 0.3, query.allInstances());
        }

        @Override
        public DetectionOutcome detectAny(Mat image) {
            return new DetectionOutcome(List.of(CUP, FAR_PERSON, PERSON), 0.95, 0.3, true);
        }
    };

    private final Grounder grounder = new Grounder(DOGS);

    @BeforeAll
    static void opencv() {
        ImageCodec.init();
    }

    @Test
    void globalNeedsNoLocationAndNoPixels() {
        Grounding g = grounder.ground(job(Category.GLOBAL, "", null, null), GrounderTest::noImage);
        assertEquals(Grounding.NOT_NEEDED, g.method());
        assertTrue(g.boxes().isEmpty());
    }

    @Test
    void aSingularPhraseGetsTheBestInstance() {
        Grounding g = grounder.ground(job(Category.REMOVE, "the dog", null, null), GrounderTest::image);
        assertEquals(Grounding.DETECTOR, g.method());
        assertEquals(List.of(BIG_DOG), g.boxes());
    }

    @Test
    void aPluralPhraseGetsEveryInstanceRanked() {
        Grounding g = grounder.ground(job(Category.REMOVE, "all the dogs", null, null), GrounderTest::image);
        assertEquals(List.of(BIG_DOG, SMALL_DOG), g.boxes());
    }

    @Test
    void nothingMatchedSaysSoWithTheBestScore() {
        var failure = assertThrows(StageFailure.class,
                () -> grounder.ground(job(Category.LOCAL, "cat", null, null), GrounderTest::image));
        assertEquals(FailureCodes.OBJECT_NOT_FOUND, failure.code());
        assertEquals("no cat found in the image (best score 0.12 < threshold 0.30)", failure.getMessage());
    }

    @Test
    void anUnknownClassIsReportedAsSuch() {
        var failure = assertThrows(StageFailure.class,
                () -> grounder.ground(job(Category.BACKGROUND, "whale", null, null), GrounderTest::image));
        assertEquals(FailureCodes.UNKNOWN_OBJECT_CLASS, failure.code());
    }

    @Test
    void aBackgroundEditWithoutASubjectKeepsTheProminentObjects() {
        Grounding g = grounder.ground(job(Category.BACKGROUND, null, null, null), GrounderTest::image);
        // the large person first-ranked by area x score, the other person is big enough to keep, the cup is not
        assertEquals(List.of(FAR_PERSON, PERSON), g.boxes());
    }

    @Test
    void aBoxHintReplacesDetection() {
        Box hint = new Box(5, 6, 70, 80);
        Grounding g = grounder.ground(job(Category.REMOVE, "whale", new Hints(hint, null, null), null),
                GrounderTest::noImage);
        assertEquals(Grounding.HINT, g.method());
        assertEquals(hint, g.boxes().get(0).box());
    }

    @Test
    void pointOrMaskHintsAreLeftToMasking() {
        Grounding g = grounder.ground(job(Category.REMOVE, "dog",
                new Hints(null, List.of(new Point(3, 4, true)), null), null), GrounderTest::noImage);
        assertEquals(Grounding.HINT, g.method());
        assertTrue(g.boxes().isEmpty());
    }

    @Test
    void aBoxHintOutsideTheImageIsRefused() {
        var failure = assertThrows(StageFailure.class, () -> grounder.ground(
                job(Category.REMOVE, "dog", new Hints(new Box(600, 0, 700, 50), null, null), null),
                GrounderTest::noImage));
        assertEquals(FailureCodes.INVALID_HINT, failure.code());
    }

    @Test
    void addIsPlacedNextToTheDetectedAnchor() {
        var placement = new Placement(new Box(0, 0, 100, 100), "to the left of", "dog");
        Grounding g = grounder.ground(job(Category.ADD, "cat", null, placement), GrounderTest::image);
        assertEquals(Grounding.PLACEMENT, g.method());
        assertEquals(new Box(200, 200, 300, 400), g.boxes().get(0).box());
        assertEquals("cat", g.boxes().get(0).label());
    }

    @Test
    void addKeepsTheProposedBoxWhenTheAnchorIsAbsentOrUnknown() {
        Box proposed = new Box(10, 20, 110, 120);
        for (String anchor : new String[] {"bicycle", "whale"}) {
            Grounding g = grounder.ground(job(Category.ADD, "cat", null, new Placement(proposed, "next to", anchor)),
                    GrounderTest::image);
            assertEquals(proposed, g.boxes().get(0).box());
        }
    }

    @Test
    void addWithoutAnyPlacementUsesTheCentre() {
        Grounding g = grounder.ground(job(Category.ADD, "a balloon", null, null), GrounderTest::noImage);
        assertEquals(new Box(213, 160, 427, 320), g.boxes().get(0).box());
    }

    @Test
    void theDecodedImageIsReleasedWhenTheJobEnds() {
        // the stage's supplier decodes the source; nothing else holds it once grounding is done
        List<Mat> decoded = new ArrayList<>();
        Supplier<Mat> decode = () -> {
            Mat image = image();
            decoded.add(image);
            return image;
        };
        grounder.ground(job(Category.REMOVE, "the dog", null, null), decode);
        grounder.ground(job(Category.BACKGROUND, null, null, null), decode);
        grounder.ground(job(Category.ADD, "cat", null, new Placement(new Box(0, 0, 100, 100), "next to", "dog")),
                decode);
        assertThrows(StageFailure.class, () -> grounder.ground(job(Category.LOCAL, "cat", null, null), decode));
        assertEquals(4, decoded.size(), "one decode a job");
        for (Mat image : decoded) {
            assertTrue(image.empty(), "the job's image was left to the garbage collector");
        }
    }

    private static Mat image() {
        return Mat.zeros(H, W, CvType.CV_8UC3);
    }

    private static Mat noImage() {
        throw new AssertionError("this category must not decode the image");
    }

    static EditJob job(Category category, String object, Hints hints, Placement placement) {
        var classification = new Classification(category, object, "a photo", null, placement, "rules");
        return new EditJob(EditJob.SCHEMA_VERSION, "j1", "t", 1, null, "2026-01-01T00:00:00Z", "edit",
                new ImageRef("jobs/j1/source", "image/jpeg", W, H), hints, null, classification, null, null, null,
                null, Map.of());
    }
}
