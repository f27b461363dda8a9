package io.brushline.classifier;

import io.brushline.common.messages.Classification;

/** Steps 1-2 of the method behind one interface: the offline rules or a language model. */
public interface InstructionEngine {

    /**
     * @param instruction the user's words, as given
     * @param image the source image's size, or null when there is no image (command-line use)
     */
    Classification understand(String instruction, ImageSize image);
}
