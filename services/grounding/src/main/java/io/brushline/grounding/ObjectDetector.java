package io.brushline.grounding;

import org.opencv.core.Mat;

/**
 * Finds the instances of what an object phrase names. Implementations: the offline YOLOX-nano COCO
 * detector and the open-vocabulary neural detectors, chosen by {@code brushline.grounding.detector}.
 * Implementations are thread-safe: the stage calls them from several worker threads.
 */
public interface ObjectDetector extends AutoCloseable {

    /**
     * @param image the source image, BGR
     * @param phrase the object phrase from the instruction ("the dog", "all the people")
     * @return the instances above the score threshold, ranked best first, and the best score seen
     * @throws io.brushline.common.stage.StageFailure with {@code UNKNOWN_OBJECT_CLASS} when the detector
     *         cannot look for that kind of object at all
     */
    DetectionOutcome detect(Mat image, String phrase);

    /**
     * What {@link #detect} looks for when asked for {@code phrase}: the phrase itself for an
     * open-vocabulary detector, the class it stands for in a fixed vocabulary ("puppy" is a dog, and
     * "wheel" may be taken for a car). A dataset row says it, so that a pair checked as another class
     * can be told apart.
     *
     * @throws io.brushline.common.stage.StageFailure with {@code UNKNOWN_OBJECT_CLASS} as {@link #detect}
     */
    default String lookedForAs(String phrase) {
        return phrase;
    }

    /**
     * The objects in the image whatever they are, ranked; used to find the subject to keep when a
     * background edit does not name it.
     */
    DetectionOutcome detectAny(Mat image);

    /** Releases the model; detectors without native resources need not override it. */
    @Override
    default void close() {
    }
}
