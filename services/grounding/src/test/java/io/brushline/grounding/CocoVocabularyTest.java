package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CocoVocabularyTest {

    @ParameterizedTest
    @CsvSource({
        "dog, dog, false",
        "all the people, person, true",
        "people, person, true",
        "the dogs, dog, true",
        "every car, car, true",
        "the running dog, dog, false",
        "dog on the bench, dog, false",
        "cat next to the dog, cat, false",
        "the left dog, dog, false",
        "tennis rackets, tennis racket, true",
        "rocking chair, chair, false",
        "hot dog, hot dog, false",
        "two wine glasses, wine glass, true",
        "knives, knife, true",
        "buses, bus, true",
        "the bus, bus, false",
        "potted plant, potted plant, false",
        "Cell Phone!, cell phone, false",
    })
    void mapsPhrasesToClasses(String phrase, String expectedClass, boolean allInstances) {
        var query = CocoVocabulary.lookup(phrase).orElseThrow(() -> new AssertionError("no class for " + phrase));
        assertEquals(expectedClass, query.className());
        assertEquals(allInstances, query.allInstances(), phrase);
    }

    @ParameterizedTest
    @ValueSource(strings = {"the whale", "butterfly", "wheel", "", "the sky", "object on the bed", "grocery bag", "puppy", "the man"})
    void phrasesNotNamingAClassHaveNoClassByName(String phrase) {
        assertFalse(CocoVocabulary.lookup(phrase).isPresent(), phrase);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 79})
    void classOrderIsTheDetectorsOutputOrder(int index) {
        assertEquals(switch (index) {
            case 0 -> "person";
            case 16 -> "dog";
            default -> "toothbrush";
        }, CocoVocabulary.CLASSES.get(index));
        assertEquals(80, CocoVocabulary.CLASSES.size());
    }
}
