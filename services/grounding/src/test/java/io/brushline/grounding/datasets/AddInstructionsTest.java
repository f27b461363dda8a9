package io.brushline.grounding.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The instruction that adds a removed object back, in words the classifier reads as a placement. */
class AddInstructionsTest {

    private static final int W = 900;

    private static Detection at(String label, int x1, int y1, int x2, int y2) {
        return new Detection(new Box(x1, y1, x2, y2), label, 0.8);
    }

    private static String add(Detection object, Detection... others) {
        List<Detection> all = new ArrayList<>(List.of(others));
        all.add(0, object);
        return AddInstructions.forObject(object, all, W);
    }

    @Test
    void besideTheNearestObject() {
        Detection sofa = at("couch", 400, 250, 800, 500);
        assertEquals("add a dog to the left of the couch", add(at("dog", 250, 350, 380, 500), sofa));
        assertEquals("add a person to the right of the couch", add(at("person", 810, 100, 890, 500), sofa));
    }

    @Test
    void onAboveBelowInFrontOfAndNextTo() {
        Detection table = at("dining table", 200, 300, 700, 550);
        assertEquals("add a cup on the dining table", add(at("cup", 400, 250, 450, 320), table));
        assertEquals("add a clock above the dining table", add(at("clock", 400, 50, 480, 130), table));
        assertEquals("add a cat below the dining table", add(at("cat", 300, 555, 400, 600), table));
        assertEquals("add a chair in front of the dining table", add(at("chair", 300, 400, 400, 580), table));
        assertEquals("add a bottle on the dining table", add(at("bottle", 300, 380, 340, 500), table));
        // a larger anchor that is nothing to put things on, and a smaller anchor
        assertEquals("add a cat in front of the dog",
                add(at("cat", 100, 300, 400, 500), at("dog", 200, 100, 700, 550)));
        assertEquals("add a person next to the bicycle",
                add(at("person", 300, 100, 420, 500), at("bicycle", 250, 300, 450, 520)));
    }

    @Test
    void theNearestUnambiguousOtherObjectIsTheAnchor() {
        Detection dog = at("dog", 100, 300, 200, 400);
        Detection farBench = at("bench", 600, 300, 800, 400);
        Detection nearCar = at("car", 250, 250, 450, 450);
        assertEquals("add a dog to the left of the car", add(dog, farBench, nearCar));
        // two cars: "the car" would not say which; another dog: "next to the dog" neither
        Detection otherCar = at("car", 500, 100, 550, 150);
        Detection otherDog = at("dog", 210, 300, 240, 400);
        assertEquals("add a dog to the left of the bench", add(dog, farBench, nearCar, otherCar, otherDog));
    }

    @Test
    void withNoOtherObjectThePlaceInTheFrame() {
        assertEquals("add a dog on the left side of the image", add(at("dog", 50, 200, 250, 400)));
        assertEquals("add an elephant in the center of the image", add(at("elephant", 350, 200, 550, 400)));
        assertEquals("add a boat on the right side of the image", add(at("boat", 650, 200, 850, 400)));
    }

    @Test
    void articles() {
        assertEquals("an apple", AddInstructions.withArticle("apple"));
        assertEquals("an umbrella", AddInstructions.withArticle("Umbrella"));
        assertEquals("an orange", AddInstructions.withArticle("orange"));
        assertEquals("a person", AddInstructions.withArticle("person"));
        assertEquals("a hair drier", AddInstructions.withArticle("hair drier"));
        assertEquals("a unicorn", AddInstructions.withArticle("unicorn"));
        assertEquals("an hourglass", AddInstructions.withArticle("hourglass"));
        assertEquals("a pair of skis", AddInstructions.withArticle("skis"));
        assertEquals("some broccoli", AddInstructions.withArticle("broccoli"));
    }
}
