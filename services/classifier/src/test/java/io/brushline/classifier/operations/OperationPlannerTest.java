package io.brushline.classifier.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.messages.Category;
import io.brushline.common.messages.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperationPlannerTest {

    private final OperationPlanner planner = new OperationPlanner();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GLOBAL|make it black and white|greyscale",
        "GLOBAL|Convert the image into a timeless black and white masterpiece|greyscale",
        "GLOBAL|give it a vintage sepia look|sepia",
        "GLOBAL|make it warmer|temperature",
        "GLOBAL|brighten it|brightness",
        "GLOBAL|Enhancing the luminance|low-light",
        "GLOBAL|fix the noise|denoise",
        "GLOBAL|Cleanse the image of fog.|dehaze",
        "GLOBAL|Sharpen the image to remove blurriness.|sharpen",
        "GLOBAL|turn it into a pencil sketch|pencil-sketch",
        "GLOBAL|Transform the image into a captivating oil painting|oil-painting",
        "GLOBAL|make it look like a cartoon|cartoon",
        "GLOBAL|Change the image to watercolor painting style|stylization",
        "GLOBAL|more contrast please|contrast",
        "LOCAL|blur the faces|blur",
        "LOCAL|pixelate the licence plate|pixelate",
        "LOCAL|make the shirt black and white|desaturate",
        "LOCAL|make the car red|recolour",
        "LOCAL|Give the banana a green tint|recolour",
        "BACKGROUND|blur the background|background-blur",
        "BACKGROUND|make the background white|background-colour",
        "BACKGROUND|grey background|background-colour",
        "BACKGROUND|transparent background|background-transparent",
        "BACKGROUND|make the background black and white|background-greyscale",
    })
    void cpuEditsGetTheirOperation(Category category, String instruction, String expected) {
        Operation operation = planner.plan(instruction, category, false);
        assertEquals(Operation.CPU, operation.tier(), instruction);
        assertEquals(expected, operation.name(), instruction);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GLOBAL|make it winter|instruction-edit",
        "GLOBAL|turn it into a van gogh painting|instruction-edit",
        "GLOBAL|Clear the rain streaks for clarity|instruction-edit",
        "GLOBAL|Change the image to cyberpunk style|instruction-edit",
        "ADD|add a hat|inpaint-add",
        "LOCAL|turn the cat into a tiger|inpaint",
        "LOCAL|make the car happy|inpaint",
        "LOCAL|replace the apple with an orange|inpaint",
        "BACKGROUND|put her on a beach|inpaint",
        "BACKGROUND|change the background to a beach|inpaint",
        "REMOVE|remove the dog|removal",
    })
    void editsThatNeedNewContentGoToTheGenerativeTier(Category category, String instruction, String kind) {
        Operation operation = planner.plan(instruction, category, false);
        assertEquals(Operation.GENERATIVE, operation.tier(), instruction);
        assertEquals(kind, operation.name(), instruction);
    }

    @Test
    void recolourCarriesTheParsedColour() {
        var operation = planner.plan("make the shirt dark blue", Category.LOCAL, false);
        assertEquals("recolour", operation.name());
        assertEquals("#00008b", operation.params().get("colour"));
        assertEquals("dark blue", operation.params().get("colour_name"));
        assertEquals("#1e90ff", planner.plan("colour the car #1E90FF", Category.LOCAL, false).params().get("colour"));
    }

    @Test
    void aSuppliedBackgroundImageIsComposited() {
        var operation = planner.plan("put her on this beach", Category.BACKGROUND, true);
        assertEquals("background-image", operation.name());
        assertTrue(operation.isCpu());
    }

    @Test
    void namedColoursParseNamesShadesAndHex() {
        var colours = new NamedColours();
        assertEquals("#000080", colours.find("navy").orElseThrow().hex());
        assertEquals("#1e90ff", colours.find("dodger blue").orElseThrow().hex());
        assertEquals("#1e90ff", colours.find("use #1e90ff").orElseThrow().hex());
        assertEquals("#1199ff", colours.find("use #19f").orElseThrow().hex());
        assertEquals("#00008b", colours.find("dark blue").orElseThrow().hex());
        // not in the table as one name: the shade darkens purple (#800080) by 35 %
        assertEquals("#530053", colours.find("dark purple").orElseThrow().hex());
        assertFalse(colours.find("make the car happy").isPresent());
        assertFalse(colours.find("give him an orange").isPresent());
    }
}
