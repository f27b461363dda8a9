package io.brushline.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
