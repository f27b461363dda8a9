package io.brushline.grounding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brushline.common.messages.Box;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlacementPlannerTest {

    private static final Box ANCHOR = new Box(400, 300, 500, 400);

    @ParameterizedTest
    @CsvSource({
        "to the left of, 300, 300, 400, 400",
        "right of, 500, 300, 600, 400",
        "next to, 500, 300, 600, 400",
        "on top of, 400, 250, 500, 300",
        "above, 400, 250, 500, 300",
        "under, 400, 400, 500, 450",
        "in front of, 400, 350, 500, 450",
    })
    void placesTheBoxAsTheRelationSays(String relation, int x1, int y1, int x2, int y2) {
        assertEquals(new Box(x1, y1, x2, y2), PlacementPlanner.nextTo(ANCHOR, relation, 1000, 800));
    }

    @ParameterizedTest
    @CsvSource({
        // no room on the right: "next to" goes left
        "next to, 540, 440, 540",
        // "left of" an anchor at the left edge is pushed back inside the image
        "left of, 0, 0, 100",
    })
    void staysInsideTheImage(String relation, int anchorX1, int expectedX1, int expectedX2) {
        Box anchor = new Box(anchorX1, 100, anchorX1 + 100, 200);
        Box placed = PlacementPlanner.nextTo(anchor, relation, 640, 480);
        assertEquals(expectedX1, placed.x1());
        assertEquals(expectedX2, placed.x2());
    }
}
