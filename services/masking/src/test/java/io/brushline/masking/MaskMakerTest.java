package io.brushline.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import io.brushline.common.messages.Point;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** The mask rules per category, with a segmenter that returns the boxes themselves. */
class MaskMakerTest {

    private static final int W = 200;
    private static final int H = 100;
    private static final Box OBJECT = new Box(50, 20, 90, 60);

    /** The object mask is its box; points mark a 10x10 square each. */
    private static final Segmenter BOXES = (image, boxes, points) -> {
        Mat mask = MaskOps.empty(image.cols(), image.rows());
        boxes.forEach(d -> MaskOps.fill(mask, d.box()));
        points.forEach(p -> MaskOps.fill(mask, new Box(p.x() - 5, p.y() - 5, p.x() + 5, p.y() + 5)));
        return mask;
    };

    private static final MaskingConfig.Dilation DILATION = dilation(4, 10, 2, 0);

    private static MaskingConfig.Dilation dilation(int local, int remove, int background, int add) {
        return new MaskingConfig.Dilation() {
            public int local() {
                return local;
            }

            public int remove() {
                return remove;
            }

            public int background() {
                return background;
            }

            public int add() {
                return add;
            }
        };
    }

    private final MaskMaker maker = new MaskMaker(BOXES, DILATION);

    @BeforeAll
    static void opencv() {
        ImageCodec.init();
    }

    @Test
    void globalEditsRepaintTheWholeFrame() {
        var result = make(job(Category.GLOBAL, new Grounding(Grounding.NOT_NEEDED, List.of()), null));
        assertEquals(1.0, MaskOps.coverage(result.mask()));
    }

    @Test
    void addRepaintsExactlyThePlacementBox() {
        var result = make(job(Category.ADD, new Grounding(Grounding.PLACEMENT, List.of(detection(OBJECT))), null));
        assertEquals(OBJECT.width() * OBJECT.height(), Core.countNonZero(result.mask()));
        assertEquals(255, value(result.mask(), OBJECT.x1(), OBJECT.y1()));
        assertEquals(0, value(result.mask(), OBJECT.x2(), OBJECT.y2()));
    }

    @Test
    void localGrowsTheObjectALittleAndRemoveGrowsItMore() {
        var local = make(job(Category.LOCAL, detected(), null));
        var remove = make(job(Category.REMOVE, detected(), null));
        assertEquals(4, local.dilationPx());
        assertEquals(10, remove.dilationPx());
        // 3 px left of the box is inside both; 8 px only inside REMOVE's; 12 px in neither
        assertEquals(255, value(local.mask(), OBJECT.x1() - 3, 40));
        assertEquals(0, value(local.mask(), OBJECT.x1() - 8, 40));
        assertEquals(255, value(remove.mask(), OBJECT.x1() - 8, 40));
        assertEquals(0, value(remove.mask(), OBJECT.x1() - 12, 40));
        assertTrue(MaskOps.coverage(remove.mask()) > MaskOps.coverage(local.mask()));
    }

    @Test
    void backgroundRepaintsEverythingButTheSubject() {
        var result = make(job(Category.BACKGROUND, detected(), null));
        assertEquals(0, value(result.mask(), 70, 40));
        assertEquals(255, value(result.mask(), 5, 5));
        // the new background reaches 2 px into the subject's edge, no further
        assertEquals(255, value(result.mask(), OBJECT.x1() + 1, 40));
        assertEquals(0, value(result.mask(), OBJECT.x1() + 3, 40));
    }

    @Test
    void severalInstancesAreAllMasked() {
        Box second = new Box(120, 10, 150, 40);
        var result = make(job(Category.REMOVE,
                new Grounding(Grounding.DETECTOR, List.of(detection(OBJECT), detection(second))), null));
        assertEquals(255, value(result.mask(), 70, 40));
        assertEquals(255, value(result.mask(), 135, 25));
    }

    @Test
    void pointHintsBecomeAMask() {
        var hints = new Hints(null, List.of(new Point(30, 30, true)), null);
        var result = make(job(Category.REMOVE, new Grounding(Grounding.HINT, List.of()), hints));
        assertEquals(255, value(result.mask(), 30, 30));
        assertEquals(0, value(result.mask(), 150, 80));
    }

    @Test
    void onlyBackgroundPointsAreRefused() {
        var hints = new Hints(null, List.of(new Point(30, 30, false)), null);
        Segmenter nothing = (image, boxes, points) -> MaskOps.empty(image.cols(), image.rows());
        var failure = assertThrows(StageFailure.class, () -> new MaskMaker(nothing, DILATION).make(
                job(Category.REMOVE, new Grounding(Grounding.HINT, List.of()), hints), MaskMakerTest::image,
                key -> null));
        assertEquals(FailureCodes.INVALID_HINT, failure.code());
    }

    @Test
    void aHintMaskIsUsedAsItIs() {
        Mat hint = MaskOps.ofBox(new Box(10, 10, 20, 30), W, H);
        var hints = new Hints(null, null, "jobs/j1/hint-mask.png");
        var result = maker.make(job(Category.REMOVE, new Grounding(Grounding.HINT, List.of()), hints),
                MaskMakerTest::image,
                key -> ImageCodec.encodePng(hint));
        assertEquals(0, result.dilationPx());
        assertEquals(0, Core.countNonZero(difference(result.mask(), hint)));
    }

    @Test
    void aHintMaskOfAnotherSizeIsRefused() {
        var hints = new Hints(null, null, "jobs/j1/hint-mask.png");
        var failure = assertThrows(StageFailure.class, () -> maker.make(
                job(Category.LOCAL, new Grounding(Grounding.HINT, List.of()), hints), MaskMakerTest::image,
                key -> ImageCodec.encodePng(MaskOps.full(W + 1, H))));
        assertEquals(FailureCodes.INVALID_HINT, failure.code());
        assertTrue(failure.getMessage().contains("201x100"), failure.getMessage());
    }

    @Test
    void anEmptyHintMaskIsRefused() {
        var hints = new Hints(null, null, "k");
        var failure = assertThrows(StageFailure.class, () -> maker.make(
                job(Category.LOCAL, new Grounding(Grounding.HINT, List.of()), hints), MaskMakerTest::image,
                key -> ImageCodec.encodePng(MaskOps.empty(W, H))));
        assertEquals(FailureCodes.INVALID_HINT, failure.code());
    }

    /**
     * The decoded source and the segmenter's object mask are the job's temporaries: released when the job
     * ends, failed or not. The result is the caller's, also when it is the object mask itself (no growth).
     */
    @Test
    void theJobsImageAndIntermediateMasksAreReleasedButNotTheResult() {
        List<Mat> decoded = new ArrayList<>();
        Supplier<Mat> decode = () -> {
            Mat image = image();
            decoded.add(image);
            return image;
        };
        List<Mat> segmented = new ArrayList<>();
        Segmenter recording = (image, boxes, points) -> {
            Mat mask = BOXES.segment(image, boxes, points);
            segmented.add(mask);
            return mask;
        };
        MaskMaker growing = new MaskMaker(recording, DILATION);
        List<MaskMaker.Result> results = new ArrayList<>();
        for (Category category : List.of(Category.LOCAL, Category.REMOVE, Category.BACKGROUND)) {
            results.add(growing.make(job(category, detected(), null), decode, key -> null));
        }
        assertThrows(StageFailure.class, () -> new MaskMaker((image, boxes, points) -> {
            Mat nothing = MaskOps.empty(image.cols(), image.rows());
            segmented.add(nothing);
            return nothing;
        }, DILATION).make(job(Category.REMOVE, detected(), null), decode, key -> null));
        assertEquals(4, decoded.size(), "one decode a job");
        assertEquals(4, segmented.size());
        for (Mat mat : decoded) {
            assertTrue(mat.empty(), "a job's image was left to the garbage collector");
        }
        for (Mat mat : segmented) {
            assertTrue(mat.empty(), "an object mask was left to the garbage collector");
        }
        for (MaskMaker.Result result : results) {
            assertFalse(result.mask().empty());
        }

        MaskMaker.Result ungrown = new MaskMaker(recording, dilation(0, 0, 0, 0))
                .make(job(Category.LOCAL, detected(), null), decode, key -> null);
        assertTrue(decoded.get(4).empty());
        assertSame(segmented.get(4), ungrown.mask());
        assertEquals(OBJECT.width() * OBJECT.height(), Core.countNonZero(ungrown.mask()));
    }

    /** The plain box refinement reads no pixels, so the stage neither fetches nor decodes the source. */
    @Test
    void theBoxRefinementMasksWithoutTheSourceImage() {
        MaskMaker boxes = new MaskMaker(new OfflineSegmenter(MaskingConfig.Refinement.box, null), DILATION);
        Supplier<Mat> noImage = () -> {
            throw new AssertionError("the source image was decoded");
        };
        var removal = boxes.make(job(Category.REMOVE, detected(), null), noImage, key -> null);
        var grown = make(job(Category.REMOVE, detected(), null));
        assertEquals(0, Core.countNonZero(difference(removal.mask(), grown.mask())),
                "the same mask as a segmenter that is given the image");
        assertThrows(AssertionError.class, () -> new MaskMaker(
                new OfflineSegmenter(MaskingConfig.Refinement.grabcut, null), DILATION)
                .make(job(Category.REMOVE, detected(), null), noImage, key -> null),
                "GrabCut looks at the pixels");
    }

    private static Mat difference(Mat a, Mat b) {
        Mat out = new Mat();
        Core.absdiff(a, b, out);
        return out;
    }

    private MaskMaker.Result make(EditJob job) {
        return maker.make(job, MaskMakerTest::image, key -> {
            throw new AssertionError("no stored object expected, asked for " + key);
        });
    }

    private static Mat image() {
        return Mat.zeros(H, W, CvType.CV_8UC3);
    }

    private static Grounding detected() {
        return new Grounding(Grounding.DETECTOR, List.of(detection(OBJECT)));
    }

    private static Detection detection(Box box) {
        return new Detection(box, "dog", 0.9);
    }

    private static int value(Mat mask, int x, int y) {
        return (int) mask.get(y, x)[0];
    }

    static EditJob job(Category category, Grounding grounding, Hints hints) {
        var classification = new Classification(category, "dog", "a photo", null, null, "rules");
        return new EditJob(EditJob.SCHEMA_VERSION, "j1", "t", 1, null, "2026-01-01T00:00:00Z", "edit the dog",
                new ImageRef("jobs/j1/source", "image/png", W, H), hints, null, classification, grounding, null,
                null, null, Map.of());
    }
}
