package io.brushline.classifier.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.brushline.classifier.operations.OperationPlanner;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.messages.Operation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An instruction that names no object, only the picture itself ("it", "this", "the photo",
 * "everything"), edits the whole image: GLOBAL, and the planner's whole-image CPU operation. The
 * phrasings are written for this test and are not in the training or evaluation files.
 */
class WholeImageSubjectTest {

    private final LearnedInstructionEngine engine = TrainedEngine.get();
    private final OperationPlanner planner = new OperationPlanner();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "make it black and white|greyscale",
        "turn it into black and white|greyscale",
        "could you make this picture black & white|greyscale",
        "render everything in monochrome|greyscale",
        "make the whole thing grayscale|greyscale",
        "make this sepia|sepia",
        "give it a vintage look|sepia",
        "make the photo brighter|brightness",
        "make it a bit darker|brightness",
        "make the picture sharper|sharpen",
        "turn this into a cartoon|cartoon",
        "make the image warmer|temperature"})
    void thePictureAsSubjectIsAWholeImageEdit(String instruction, String operation) {
        Classification c = engine.understand(instruction, null);
        assertNull(c.object(), instruction);
        assertPlanned(Category.GLOBAL, operation, instruction, c);
    }

    /** All of the picture but a subject is that subject's background, and its CPU operations apply. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "blur everything behind the dog|background-blur",
        "blur everything but the couple|background-blur",
        "make everything except the bride black and white|background-greyscale",
        "could you make everything around her monochrome|background-greyscale"})
    void everythingButASubjectIsItsBackground(String instruction, String operation) {
        assertPlanned(Category.BACKGROUND, operation, instruction, engine.understand(instruction, null));
    }

    private void assertPlanned(Category category, String operation, String instruction, Classification c) {
        assertEquals(category, c.category(), instruction + " -> " + c);
        Operation planned = planner.plan(instruction, c.category(), false);
        assertEquals("cpu", planned.tier(), instruction + " -> " + planned);
        assertEquals(operation, planned.name(), instruction + " -> " + planned);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "make the car black and white|car|desaturate",
        "turn her dress black and white|dress|desaturate",
        "make the umbrella red|umbrella|recolour"})
    void aNamedObjectStaysALocalEdit(String instruction, String object, String operation) {
        Classification c = engine.understand(instruction, null);
        assertEquals(Category.LOCAL, c.category(), instruction + " -> " + c);
        assertEquals(object, c.object(), instruction);
        assertEquals(operation, planner.plan(instruction, c.category(), false).name(), instruction);
    }

    /**
     * A sentence that opens by naming a thing with "the" or a possessive edits that thing, even where the
     * model's answer was the whole picture; a property of the picture or a thing named later does not.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tint the kettle navy|kettle|true",
        "the girl's scarf should look brighter|scarf|true",
        "dim the lamp a little|lamp|true",
        "boost the saturation|saturation|false",
        "raise the brightness levels|brightness levels|false",
        "explore the mood of the harbour at dawn|harbour|false",
        "give the whole picture a soft glow|whole picture|false"})
    void aThingNamedAsTheOneToChange(String text, String object, boolean aThing) {
        assertEquals(aThing, LearnedInstructionEngine.namesAThingToChange(object, text), text);
    }

    /**
     * "everything behind the dog" is a region and "the photo on the wall" a thing: neither is the
     * whole picture, so no whole-image operation may run ("blur" would sharpen the whole image).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "blur everything behind the dog",
        "blur everything but the couple",
        "make everything apart from the cake grey",
        "make everything except the bride black and white",
        "turn everything around him grey",
        "make the photo on the wall black and white"})
    void aPlaceOrAnExceptionIsNotTheWholePicture(String instruction) {
        Classification c = engine.understand(instruction, null);
        assertNotEquals(Category.GLOBAL, c.category(), instruction + " -> " + c);
    }

    /**
     * When the phrase rules read no object, "the" or a possessive before a word that is not the picture
     * still names a thing; after "to", "into" or "like" it names the result.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "paint the garden gate bright orange|false",
        "lighten his waistcoat a touch|false",
        "make it look like the old comic style|true",
        "turn it into the style of a woodcut|true",
        "warmer tones everywhere|true"})
    void aThingNamedWithoutAReadableObject(String text, boolean wholePicture) {
        assertEquals(wholePicture, LearnedInstructionEngine.namesOnlyThePicture(null, text), text);
    }
}
