package io.brushline.inpainting;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.imaging.ResultFormat;
import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.nio.charset.StandardCharsets;
import org.opencv.core.Mat;

/**
 * Step 4 without the messaging around it: decodes the source and mask, has the category's painter
 * repaint the masked region, pastes the result back into the source, and encodes the result once.
 */
public final class PaintingService {

    /** What REMOVE asks a generative painter for; the removed object becomes the negative prompt. */
    static final String REMOVAL_PROMPT = "empty scene, background, seamless, high quality";

    private final PainterRegistry painters;
    private final PaintBatcher batcher;

    public PaintingService(PainterRegistry painters, PaintBatcher batcher) {
        this.painters = painters;
        this.batcher = batcher;
    }

    /** The encoded result and its size. */
    public record Painted(byte[] encoded, ResultFormat format, int width, int height, String painter) {
    }

    /**
     * @param featherPx how far inside the mask the painted pixels fade in (decided by the masking stage)
     * @param lane whether the job gives way to edits at the painter (a dataset's removal)
     * @param format what the result is encoded as
     */
    public Painted paint(String jobId, String instruction, byte[] sourceBytes, byte[] maskBytes, Classification classification,
            int featherPx, PaintBatcher.Lane lane, ResultFormat format) {
        if (classification == null || classification.category() == null) {
            throw new StageFailure(FailureCodes.INTERNAL, "the job reached painting without a category");
        }
        Painter painter = painters.forCategory(classification.category());
        // The job's matrices are released when it ends, not when the collector finalises them.
        try (MatScope scope = new MatScope()) {
            Mat source = scope.add(ImageCodec.decodeColor(sourceBytes, "source image"));
            Mat mask = scope.add(ImageCodec.decodeMask(maskBytes, "mask"));
            if (!source.size().equals(mask.size())) {
                throw new StageFailure(FailureCodes.INTERNAL, "the mask is " + mask.cols() + "x" + mask.rows()
                        + " but the source image is " + source.cols() + "x" + source.rows());
            }
            // The batcher returns only once the painter is done with the request's matrices.
            Mat painted = scope.add(batcher.paint(painter, request(jobId, instruction, source, mask, classification), lane));
            Mat result = scope.add(PasteBack.compose(source, painted, mask, featherPx));
            ResultFormat stored = format.forImage(result);
            return new Painted(stored.encode(result), stored, result.cols(), result.rows(), painter.name());
        }
    }

    static PaintRequest request(String jobId, String instruction, Mat source, Mat mask, Classification classification) {
        Category category = classification.category();
        String object = classification.object();
        if (category == Category.REMOVE) {
            String negative = join(object, classification.negativePrompt());
            return new PaintRequest(source, mask, category, object, REMOVAL_PROMPT, negative, seedFor(jobId),
                    instruction);
        }
        return new PaintRequest(source, mask, category, object, classification.targetPrompt(),
                classification.negativePrompt(), seedFor(jobId), instruction);
    }

    private static String join(String first, String second) {
        if (first == null || first.isBlank()) {
            return second;
        }
        return second == null || second.isBlank() ? first : first + ", " + second;
    }

    /**
     * The job's noise seed: derived from its id (64-bit FNV-1a), so a redelivered job paints the same
     * pixels and different jobs get independent noise.
     */
    static long seedFor(String jobId) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : jobId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
