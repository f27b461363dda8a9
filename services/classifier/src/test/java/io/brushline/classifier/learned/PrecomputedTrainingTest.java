package io.brushline.classifier.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.brushline.common.messages.Category;
import io.brushline.embedding.SentenceEmbedder;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The vectors and category model the build stores are what embedding and training on the bundled
 * files gives now, and a change of any input is noticed.
 */
class PrecomputedTrainingTest {

    private final SentenceEmbedder embedder = TrainedEngine.embedder();
    private static final List<LabelledInstruction> EXAMPLES = TrainingSet.bundled();

    private static PrecomputedTraining stored() {
        return PrecomputedTraining.bundled().orElseThrow(() -> new AssertionError(PrecomputedTraining.RESOURCE
                + " is not on the classpath: the build's process-classes step writes it"));
    }

    @Test
    void theStoredResultIsForTheBundledFilesAndModel() {
        assertEquals(SentenceEmbedder.bundledFingerprint(), embedder.fingerprint());
        assertEquals(PrecomputedTraining.inputsHash(embedder.fingerprint(), EXAMPLES), stored().inputsHash(),
                "stored for other inputs: rebuild the classifier");
        assertEquals(EXAMPLES.size(), stored().vectors().length);
    }

    @Test
    void theStoredResultIsWhatTrainingOnTheFilesGives() {
        PrecomputedTraining stored = stored();
        PrecomputedTraining fresh = PrecomputedTraining.train(embedder, EXAMPLES);
        assertEquals(fresh.inputsHash(), stored.inputsHash());
        for (int i = 0; i < EXAMPLES.size(); i++) {
            assertArrayEquals(fresh.vectors()[i], stored.vectors()[i], 1e-6f, EXAMPLES.get(i).instruction());
        }
        for (int c = 0; c < Category.values().length; c++) {
            assertArrayEquals(fresh.model().weights()[c], stored.model().weights()[c], 1e-6, "weights of class " + c);
        }
        assertArrayEquals(fresh.model().bias(), stored.model().bias(), 1e-6);
    }

    @Test
    void writtenAndReadBackUnchanged() throws Exception {
        PrecomputedTraining stored = stored();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        stored.write(bytes);
        PrecomputedTraining back = PrecomputedTraining.read(bytes.toByteArray());
        assertEquals(stored.inputsHash(), back.inputsHash());
        assertArrayEquals(stored.vectors()[EXAMPLES.size() - 1], back.vectors()[EXAMPLES.size() - 1]);
        assertArrayEquals(stored.model().weights()[Category.values().length - 1],
                back.model().weights()[Category.values().length - 1]);
        assertArrayEquals(stored.model().bias(), back.model().bias());
    }

    @Test
    void anyChangedInputChangesTheHash() {
        String hash = PrecomputedTraining.inputsHash("model", EXAMPLES);
        assertNotEquals(hash, PrecomputedTraining.inputsHash("other model", EXAMPLES));
        List<LabelledInstruction> relabelled = new ArrayList<>(EXAMPLES);
        LabelledInstruction first = relabelled.get(0);
        Category other = first.category() == Category.GLOBAL ? Category.LOCAL : Category.GLOBAL;
        relabelled.set(0, new LabelledInstruction(first.instruction(), other, first.weight()));
        assertNotEquals(hash, PrecomputedTraining.inputsHash("model", relabelled));
        List<LabelledInstruction> reweighted = new ArrayList<>(EXAMPLES);
        reweighted.set(0, new LabelledInstruction(first.instruction(), first.category(), first.weight() + 1));
        assertNotEquals(hash, PrecomputedTraining.inputsHash("model", reweighted));
        assertNotEquals(hash, PrecomputedTraining.inputsHash("model", EXAMPLES.subList(1, EXAMPLES.size())));
    }

    @Test
    void outOfDateStoredResultIsNotUsed() {
        List<LabelledInstruction> few = List.of(
                new LabelledInstruction("remove the dog", Category.REMOVE, 1),
                new LabelledInstruction("make it black and white", Category.GLOBAL, 1),
                new LabelledInstruction("add a hat", Category.ADD, 1));
        PrecomputedTraining trained = PrecomputedTraining.loadOrTrain(embedder, few);
        assertEquals(few.size(), trained.vectors().length);
        assertEquals(PrecomputedTraining.inputsHash(embedder.fingerprint(), few), trained.inputsHash());
        assertEquals(stored().inputsHash(), PrecomputedTraining.loadOrTrain(embedder, EXAMPLES).inputsHash());
    }
}
