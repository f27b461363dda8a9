package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObjectPhraseTest {

    @ParameterizedTest
    @CsvSource({
        "the dog, false, dog",
        "all the red cars, true, red cars",
        "both cats, true, cats",
        "people, true, people",
        "the glass, false, glass",
        "a bus, false, bus",
        "the hot air balloon, false, hot air balloon",
    })
    void readsQuantityAndBareText(String phrase, boolean all, String bare) {
        assertEquals(all, ObjectPhrase.asksForAll(phrase));
        assertEquals(bare, ObjectPhrase.withoutDeterminers(phrase));
    }
}
