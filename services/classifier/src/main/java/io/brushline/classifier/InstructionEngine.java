package io.brushline.classifier;

import io.brushline.common.messages.Classification;
import java.util.function.Supplier;

/** Steps 1-2 of the method behind one interface: the offline rules or a language model. */
public interface InstructionEngine {

    /**
     * @param instruction the user's words, as given
     * @param image the source image's size, or null when there is no image (command-line use)
     */
    Classification understand(String instruction, ImageSize image);

    /**
     * The same, for engines that can look at the picture (placement, target prompt). {@code picture}
     * is fetched only by an engine that uses it, so the offline rules never pay for reading the image.
     */
    default Classification understand(String instruction, ImageSize image, Supplier<EncodedImage> picture) {
        return understand(instruction, image);
    }
}
