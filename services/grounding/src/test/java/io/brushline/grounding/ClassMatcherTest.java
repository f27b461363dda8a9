package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import io.brushline.embedding.SentenceEmbedder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClassMatcherTest {

    private static ClassMatcher matcher;

    @BeforeAll
    static void load() {
        matcher = new ClassMatcher(SentenceEmbedder.load(1));
    }

    @AfterAll
    static void close() {
        matcher.close();
    }

    @ParameterizedTest
    @CsvSource({
        "the puppy, dog, false",
        "a big hound, dog, false",
        "kitty, cat, false",
        "the red sedan, car, false",
        "lorry, truck, false",
        "the sofa, couch, false",
        "the man, person, false",
        "woman in red, person, false",
        "the bloke, person, false",
        "photographer, person, false",
        "television, tv, false",
        "fridge, refrigerator, false",
        "motorbike, motorcycle, false",
        "two mugs, cup, true",
        "all the pigeons, bird, true",
        "dog on the bench, dog, false"})
    void mapsWordsToClassesByMeaning(String phrase, String expectedClass, boolean allInstances) {
        var query = matcher.resolve(phrase);
        assertEquals(expectedClass, query.className(), phrase);
        assertEquals(allInstances, query.allInstances(), phrase);
    }

    @ParameterizedTest
    @ValueSource(strings = {"the sky", "tree", "wall", "mountain", "the lamp", "cloud", "building", "butterfly", "the whale"})
    void unknownThingsFailNamingTheNearestClasses(String phrase) {
        StageFailure f = assertThrows(StageFailure.class, () -> matcher.resolve(phrase));
        assertEquals(FailureCodes.UNKNOWN_OBJECT_CLASS, f.code());
        assertTrue(f.getMessage().contains("nearest classes it knows are"), f.getMessage());
        assertTrue(f.getMessage().contains(phrase), f.getMessage());
    }

    @Test
    void nearestClassesComeMostSimilarFirst() {
        var nearest = matcher.nearest("puppy", 3);
        assertEquals("dog", nearest.get(0).className());
        assertTrue(nearest.get(0).similarity() > nearest.get(1).similarity());
    }
}
