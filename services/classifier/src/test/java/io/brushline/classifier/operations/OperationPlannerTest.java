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

    @ParameterizedTest(name = "{0} \"{1}\": {2} {3}")
    @CsvSource(delimiter = '|', value = {
        // exact edits the CPU tier does
        "GLOBAL|make it black and white|cpu|greyscale",
        "GLOBAL|Convert the image into a timeless black and white masterpiece|cpu|greyscale",
        "GLOBAL|give it a vintage sepia look|cpu|sepia",
        "GLOBAL|make it warmer|cpu|temperature",
        "GLOBAL|brighten it|cpu|brightness",
        "GLOBAL|Enhancing the luminance|cpu|low-light",
        "GLOBAL|fix the noise|cpu|denoise",
        "GLOBAL|Cleanse the image of fog.|cpu|dehaze",
        "GLOBAL|Sharpen the image to remove blurriness.|cpu|sharpen",
        "GLOBAL|turn it into a pencil sketch|cpu|pencil-sketch",
        "GLOBAL|Transform the image into a captivating oil painting|cpu|oil-painting",
        "GLOBAL|make it look like a cartoon|cpu|cartoon",
        "GLOBAL|Change the image to watercolor painting style|cpu|stylization",
        "GLOBAL|more contrast please|cpu|contrast",
        "LOCAL|blur the faces|cpu|blur",
        "LOCAL|pixelate the licence plate|cpu|pixelate",
        "LOCAL|make the shirt black and white|cpu|desaturate",
        "LOCAL|make the car red|cpu|recolour",
        "LOCAL|Give the banana a green tint|cpu|recolour",
        "BACKGROUND|blur the background|cpu|background-blur",
        "BACKGROUND|make the background white|cpu|background-colour",
        "BACKGROUND|grey background|cpu|background-colour",
        "BACKGROUND|transparent background|cpu|background-transparent",
        "BACKGROUND|make the background black and white|cpu|background-greyscale",
        // edits that need new content go to the generative tier
        "GLOBAL|make it winter|generative|instruction-edit",
        "GLOBAL|turn it into a van gogh painting|generative|instruction-edit",
        "GLOBAL|Clear the rain streaks for clarity|generative|instruction-edit",
        "GLOBAL|Change the image to cyberpunk style|generative|instruction-edit",
        "ADD|add a hat|generative|inpaint-add",
        "LOCAL|turn the cat into a tiger|generative|inpaint",
        "LOCAL|make the car happy|generative|inpaint",
        "LOCAL|replace the apple with an orange|generative|inpaint",
        "BACKGROUND|put her on a beach|generative|inpaint",
        "BACKGROUND|change the background to a beach|generative|inpaint",
        "REMOVE|remove the dog|generative|removal",
    })
    void eachEditGetsItsTierAndOperation(Category category, String instruction, String tier, String operation) {
        Operation planned = planner.plan(instruction, category, false);
        assertEquals(tier, planned.tier(), instruction);
        assertEquals(operation, planned.name(), instruction);
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
