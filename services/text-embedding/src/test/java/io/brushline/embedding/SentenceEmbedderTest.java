package io.brushline.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SentenceEmbedderTest {

    private static SentenceEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = SentenceEmbedder.load(1);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void vectorsHaveUnitLengthAndTheModelsWidth() {
        float[] v = embedder.embed("remove the dog from the picture");
        assertEquals(SentenceEmbedder.DIMENSIONS, v.length);
        assertEquals(1.0, SentenceEmbedder.similarity(v, v), 1e-4);
    }

    @Test
    void sameSentenceGivesTheSameVector() {
        assertArrayEquals(embedder.embed("make it winter"), embedder.embed("make it winter"), 1e-6f);
    }

    @Test
    void meaningDecidesTheNeighbours() {
        float[] puppy = embedder.embed("puppy");
        float[] dog = embedder.embed("dog");
        float[] car = embedder.embed("car");
        assertTrue(SentenceEmbedder.similarity(puppy, dog) > SentenceEmbedder.similarity(puppy, car) + 0.2);
        float[] erase = embedder.embed("erase the man from the photo");
        float[] remove = embedder.embed("remove the person in the picture");
        float[] add = embedder.embed("paint the sky in watercolour style");
        assertTrue(SentenceEmbedder.similarity(erase, remove) > SentenceEmbedder.similarity(erase, add));
    }

    @Test
    void longInputIsCutNotRejected() {
        assertEquals(SentenceEmbedder.DIMENSIONS, embedder.embed("word ".repeat(1000)).length);
    }

    @Test
    void wordsAreWholeOrSplitIntoPieces() {
        List<String> words = List.of("dog", "remove", "background", "biro", "doodle", "remvoe", "asdkj", "qwpoe");
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 4, 4, 4}, embedder.wordPieces(words));
        assertEquals(0, embedder.wordPieces(List.of()).length);
    }

    @Test
    void theFingerprintNeedsNoLoadedModel() {
        assertEquals(64, embedder.fingerprint().length());
        assertEquals(embedder.fingerprint(), SentenceEmbedder.bundledFingerprint());
    }

    @Test
    void similarityIsTheDotProduct() {
        float[] a = embedder.embed("make it black and white");
        float[] b = embedder.embed("turn the photo into greyscale");
        double exact = 0;
        for (int i = 0; i < a.length; i++) {
            exact += (double) a[i] * b[i];
        }
        assertEquals(exact, SentenceEmbedder.similarity(a, b), 1e-6);
        assertEquals(32.0, SentenceEmbedder.similarity(new float[] {1, 2, 3}, new float[] {4, 5, 6}), 1e-9);
    }
}
