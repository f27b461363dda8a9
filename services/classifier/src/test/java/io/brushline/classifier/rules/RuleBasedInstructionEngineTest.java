package io.brushline.classifier.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.classifier.ImageSize;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;

class RuleBasedInstructionEngineTest {

    private final RuleBasedInstructionEngine engine = new RuleBasedInstructionEngine();

    @ParameterizedTest(name = "{0} -> {1} / {2}")
    @CsvSource(delimiter = '|', textBlock = """
            get rid of the bicycle leaning on the wall           | REMOVE     | bicycle
            make the lamp disappear                              | REMOVE     | lamp
            Could you erase those two people in the back?        | REMOVE     | people
            I don't want the trash can in this photo             | REMOVE     | trash can
            Take the umbrella out of the picture                 | REMOVE     | umbrella
            the photo would look better without the power lines  | REMOVE     | power lines
            PLEASE REMOVE THE DOG                                | REMOVE     | dog
            remvoe the cat from my photo                         | REMOVE     | cat
            The parked scooter has to be deleted                 | REMOVE     | parked scooter
            delete my brother's backpack                         | REMOVE     | brother's backpack
            Can you remove the haze?                             | GLOBAL     |
            deblur this photo                                    | GLOBAL     |
            brighten the low-light photo                         | GLOBAL     |
            remove the noise from my picture                     | GLOBAL     |
            Get rid of the rain streaks, please                  | GLOBAL     |
            make it look like a Van Gogh painting                | GLOBAL     |
            redo it in the style of Picasso                      | GLOBAL     |
            turn the photo into a pencil sketch                  | GLOBAL     |
            make it winter                                       | GLOBAL     |
            swap the background for a beach at sunset            | BACKGROUND |
            replace the backgruond with a snowy forest           | BACKGROUND |
            change the backdrop to outer space                   | BACKGROUND |
            I want the background to be a city skyline           | BACKGROUND |
            put the dog on a beach background                    | BACKGROUND | dog
            add a hot air balloon in the sky                     | ADD        | hot air balloon
            put a vase of flowers on the table                   | ADD        | vase of flowers
            there should be a cat to the left of the dog         | ADD        | cat
            I want a rainbow over the mountains                  | ADD        | rainbow
            Could you add two ducks swimming in the pond?        | ADD        | ducks
            Can there be a moon above the house?                 | ADD        | moon
            plce a straw hat on the man's head                   | ADD        | straw hat
            A kite should be flying above the beach              | ADD        | kite
            replace the red car on the left with a blue truck    | LOCAL      | red car
            swap the cat for a tiger                             | LOCAL      | cat
            make the sky pink                                    | LOCAL      | sky
            change the woman's dress to green                    | LOCAL      | woman's dress
            turn the wooden table into marble                    | LOCAL      | wooden table
            what if the car were red?                            | LOCAL      | car
            the dog's fur should be golden                       | LOCAL      | dog's fur
            make the horse a zebra                               | LOCAL      | horse
            change the tulips to roses                           | LOCAL      | tulips
            remove this                                          | REMOVE     |
            please erase it from the picture                     | REMOVE     |
            delete them                                          | REMOVE     |
            remove this dog                                      | REMOVE     | dog
            clear the photo of the bicycle                       | REMOVE     | bicycle
            """)
    void understandsVariedPhrasing(String instruction, Category category, String object) {
        Classification c = engine.understand(instruction, null);
        assertEquals(category, c.category(), instruction);
        assertEquals(object, c.object(), instruction);
        assertNotNull(c.targetPrompt(), instruction);
        assertEquals(RuleBasedInstructionEngine.ENGINE_NAME, c.engine());
    }

    /** A wider set of own phrasings, one per line: category, instruction, expected object (may be empty). */
    @ParameterizedTest(name = "{1} -> {0} / {2}")
    @CsvFileSource(resources = "/own-phrasings.tsv", delimiter = '\t')
    void understandsOwnPhrasings(Category category, String instruction, String object) {
        Classification c = engine.understand(instruction, null);
        assertEquals(category, c.category(), instruction);
        if (object != null) {
            assertEquals(object, c.object(), instruction);
        }
    }

    @Test
    void removalNamesTheObjectAsNegativePrompt() {
        Classification c = engine.understand("Please get rid of the old sofa", null);
        assertEquals(Category.REMOVE, c.category());
        assertEquals("old sofa", c.negativePrompt());
        assertTrue(c.targetPrompt().contains("without the old sofa"), c.targetPrompt());
    }

    @Test
    void targetPromptDescribesTheResult() {
        assertEquals("a tiger", engine.understand("swap the cat for a tiger", null).targetPrompt());
        assertEquals("pink sky", engine.understand("make the sky pink", null).targetPrompt());
        assertEquals("a metal teapot", engine.understand("turn the teapot into a metal one", null).targetPrompt());
        assertTrue(engine.understand("transform it into a watercolor painting", null).targetPrompt()
                .contains("watercolor"));
        assertTrue(engine.understand("swap the background for a beach at sunset", null).targetPrompt()
                .startsWith("a beach at sunset"));
    }

    @Test
    void addPlacesTheBoxFromSpatialWords() {
        ImageSize size = new ImageSize(2000, 1000);
        Classification sky = engine.understand("add a hot air balloon in the sky", size);
        assertEquals("in", sky.placement().relation());
        assertEquals("sky", sky.placement().anchor());
        Box skyBox = sky.placement().box();
        assertTrue(skyBox.fitsIn(2000, 1000));
        assertTrue(skyBox.y2() <= 500, "sky box in the upper half: " + skyBox);

        Classification left = engine.understand("Put a lamp to the left of the sofa", size);
        assertEquals("left of", left.placement().relation());
        assertEquals("sofa", left.placement().anchor());
        assertTrue(left.placement().box().x2() <= 1000, "left box in the left half");

        Classification table = engine.understand("place a cup of coffee on the table", size);
        assertEquals("on", table.placement().relation());
        assertEquals("table", table.placement().anchor());
        assertTrue(table.placement().box().y1() >= 400, "on a surface: lower part of the frame");
    }

    @Test
    void addWithoutSpatialWordsGetsADefaultRegion() {
        Classification c = engine.understand("add a dog", new ImageSize(640, 480));
        assertNull(c.placement().relation());
        Box box = c.placement().box();
        assertTrue(box.fitsIn(640, 480) && box.width() > 100 && box.height() > 100, box.toString());
    }

    @Test
    void addWithoutImageHasRelationButNoBox() {
        Classification c = engine.understand("add a bird above the tree", null);
        assertNull(c.placement().box());
        assertEquals("above", c.placement().relation());
        assertEquals("tree", c.placement().anchor());
    }

    @Test
    void restorationNamesWhatItRemovesAsNegativePrompt() {
        assertTrue(engine.understand("remove the haze", null).negativePrompt().contains("haze"));
        assertTrue(engine.understand("clean up the rain drops", null).negativePrompt().contains("rain"));
    }

    @Test
    void blankInstructionIsGlobalNotAnError() {
        assertEquals(Category.GLOBAL, engine.understand("   ", null).category());
        assertEquals(Category.GLOBAL, engine.understand(null, null).category());
    }

    /** The typo fix of the leading verb must leave real editing verbs alone: "blur" is not "blue". */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Blur the faces please|blur the faces",
        "flip the photo|flip the photo",
        "mirror the image|mirror the image",
        "remvoe the cat|remove the cat"})
    void editingVerbsAreNotTypos(String instruction, String normalised) {
        assertEquals(normalised, RuleBasedInstructionEngine.normalise(instruction));
    }
}
