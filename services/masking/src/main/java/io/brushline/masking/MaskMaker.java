package io.brushline.masking;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Grounding;
import io.brushline.common.messages.Hints;
import io.brushline.common.messages.Point;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.opencv.core.Mat;

/**
 * Step 3b, the mask rules per category (DESIGN.md): a hint mask is used as it is; otherwise LOCAL
 * gets the object mask grown a little, REMOVE grown more, BACKGROUND everything but the subject, ADD
 * the placement box, GLOBAL the whole frame. The result is exactly the mask the painter works in.
 */
public final class MaskMaker {

    /** The final mask, which the caller releases, and how much it was grown. */
    public record Result(Mat mask, int dilationPx) {
    }

    private final Segmenter segmenter;
    private final MaskingConfig.Dilation dilation;

    public MaskMaker(Segmenter segmenter, MaskingConfig.Dilation dilation) {
        this.segmenter = segmenter;
        this.dilation = dilation;
    }

    /**
     * @param image decodes the source image; called at most once, and only when a segmenter has to look
     *              at pixels. The decoded image is the job's: it is released when this method returns, as
     *              is every intermediate mask.
     * @param objects reads a stored object (the hint mask) by key
     */
    public Result make(EditJob job, Supplier<Mat> image, Function<String, byte[]> objects) {
        try (MatScope scope = new MatScope()) {
            Result result = make(job, scope.once(image), objects, scope);
            scope.keep(result.mask());
            return result;
        }
    }

    /** Every matrix made here is added to {@code scope}; the caller keeps the result's. */
    private Result make(EditJob job, Supplier<Mat> image, Function<String, byte[]> objects, MatScope scope) {
        int width = job.source().width();
        int height = job.source().height();
        Hints hints = job.hints();
        if (hints != null && hints.maskKey() != null) {
            return new Result(hintMask(objects.apply(hints.maskKey()), width, height, scope), 0);
        }
        Category category = job.category();
        Grounding grounding = job.grounding();
        List<Detection> boxes = grounding == null || grounding.boxes() == null ? List.of() : grounding.boxes();
        List<Point> points = hints == null || hints.points() == null ? List.of() : hints.points();
        boolean located = !boxes.isEmpty() || !points.isEmpty();
        if (category == Category.GLOBAL && !located) {
            return new Result(scope.add(MaskOps.full(width, height)), 0);
        }
        if (!located) {
            throw new IllegalStateException("job " + job.jobId() + " (" + category + ") reached masking without a box");
        }
        if (category == Category.ADD && Grounding.PLACEMENT.equals(grounding.method())) {
            Mat placement = scope.add(MaskOps.empty(width, height));
            boxes.forEach(d -> MaskOps.fill(placement, d.box()));
            return new Result(scope.add(MaskOps.dilate(placement, dilation.add())), dilation.add());
        }
        Mat object = scope.add(segmenter.withoutPixels(width, height, boxes, points)
                .orElseGet(() -> segmenter.segment(image.get(), boxes, points)));
        if (MaskOps.coverage(object) == 0) {
            // only possible with point hints that are all background points
            throw new StageFailure(FailureCodes.INVALID_HINT,
                    "the point hints mark no object: give at least one foreground point");
        }
        return switch (category) {
            case REMOVE -> new Result(scope.add(MaskOps.dilate(object, dilation.remove())), dilation.remove());
            case BACKGROUND -> new Result(
                    scope.add(MaskOps.dilate(scope.add(MaskOps.invert(object)), dilation.background())),
                    dilation.background());
            // A hinted GLOBAL or ADD edit is an edit of the hinted region, like LOCAL.
            case LOCAL, GLOBAL, ADD -> new Result(scope.add(MaskOps.dilate(object, dilation.local())),
                    dilation.local());
        };
    }

    private static Mat hintMask(byte[] bytes, int width, int height, MatScope scope) {
        Mat mask = scope.add(ImageCodec.decodeMask(bytes, "hint mask"));
        if (mask.cols() != width || mask.rows() != height) {
            throw new StageFailure(FailureCodes.INVALID_HINT, "the hint mask is " + mask.cols() + "x" + mask.rows()
                    + " but the image is " + width + "x" + height + "; the mask must have the image's size");
        }
        if (MaskOps.coverage(mask) == 0) {
            throw new StageFailure(FailureCodes.INVALID_HINT, "the hint mask is empty: paint the region to edit white");
        }
        return mask;
    }
}
