package io.brushline.classifier.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scene changes around a subject, on the normalised text the learned engine gives them. The phrasings
 * are written for this test and are in no training or evaluation file.
 */
class SceneChangeTest {

    private static String rule(String instruction) {
        return SceneChange.rule(Text.parse(instruction).normalised());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "put the tortoise on a tropical beach|a subject taken to a scene",
        "could you pop my mum in a sunflower field?|a subject taken to a scene",
        "Relocate the scooter to a harbour at dawn|a subject taken to a scene",
        "drop the two lads into a busy pub|a subject taken to a scene",
        "take him to the alps|a subject taken to a scene",
        "move the vintage car to a dusty film set|a subject taken to a scene",
        "stand the vase against a rough plaster wall|a subject taken to a scene",
        "i'd like the labrador to be in a snowy forest|a subject shown in a scene",
        "make it look as if the sailors were standing on a glacier|a subject shown in a scene",
        "have the band posing in a graffiti covered street|a subject taken to a scene",
        "change the setting to a beach hut|the setting named as the thing to change",
        "make the surroundings look like a lunar desert|the setting named as the thing to change",
        "change the place where she is sitting to a park bench|the setting named as the thing to change",
        "replace whatever is around the cake with a pastel kitchen|what is behind or around a subject is its background",
        "swap the stuff behind the skater for a concrete skatepark|what is behind or around a subject is its background",
        "behind the goalkeeper, there should be a stadium full of fans|a scene behind a subject",
        "put a foggy harbour behind the fisherman|a scene behind a subject",
        "leave the cyclist crisp and blur the rest|the rest of the picture around a kept subject",
        "only the puppy in focus, everything else soft|the rest of the picture around a kept subject",
        "cut out the trainers onto a transparent layer|a subject cut out onto transparency or a plain colour",
        "see-through cutout of the chair|a subject cut out onto transparency or a plain colour",
        "the earrings on plain white please|a subject cut out onto transparency or a plain colour"})
    void aSceneAroundASubjectIsItsBackground(String instruction, String expectedRule) {
        assertEquals(expectedRule, rule(instruction), instruction);
    }

    /** Additions, recolourings, removals and whole-image edits that share words with the shapes above. */
    @ParameterizedTest
    @ValueSource(strings = {
        "put a kite over the beach",
        "place a bench in the park",
        "put sunglasses on the man on the beach",
        "put her in a yellow raincoat",
        "put the mug on a coaster",
        "move the lamp to the left",
        "set the colour to a warmer tone",
        "take the umbrella out of her hand",
        "remove the boy who is standing on the beach",
        "erase the swimmers in the lake",
        "the kite in the park should be red",
        "make the setting sun pinker",
        "banish the rainy setting",
        "add a tree behind the shed",
        "transport the image into a neon future city",
        "make the rest of the image sepia",
        "cut the woman on the left out",
        "paint the white fence black",
        "lean the bike against the wall",
        "the heron should be in the sky",
        "add a full moon behind the chimneys",
        "put the teacup on a plain white saucer"})
    void otherEditsAreNotSceneChanges(String instruction) {
        assertNull(rule(instruction), instruction);
    }

    /** Real verbs that are a slip away from a cue verb are not "corrected" into it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "relocate the horse to a paddock|relocate the horse to a paddock",
        "drop the cat into a library|drop the cat into a library",
        "plonk the gnome in a rockery|plonk the gnome in a rockery"})
    void relocationVerbsAreKept(String instruction, String normalised) {
        assertEquals(normalised, Text.parse(instruction).normalised());
    }
}
