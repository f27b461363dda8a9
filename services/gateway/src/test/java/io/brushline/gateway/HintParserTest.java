package io.brushline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.brushline.common.messages.Box;
import io.brushline.common.messages.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

class HintParserTest {

    @Test
    void parsesBoxAsCsvOrJsonArray() {
        assertEquals(new Box(10, 20, 110, 220), HintParser.box("10,20,110,220", 640, 480));
        assertEquals(new Box(10, 20, 110, 220), HintParser.box("[10, 20, 110.4, 219.6]", 640, 480));
        assertNull(HintParser.box(" ", 640, 480));
    }

    @Test
    void refusesBoxesOutsideTheImageOrEmpty() {
        assertEquals("invalid_hint", assertThrows(ApiException.class,
                () -> HintParser.box("10,10,700,20", 640, 480)).code());
        assertThrows(ApiException.class, () -> HintParser.box("50,50,50,80", 640, 480));
        assertThrows(ApiException.class, () -> HintParser.box("1,2,3", 640, 480));
        assertThrows(ApiException.class, () -> HintParser.box("a,b,c,d", 640, 480));
    }

    @Test
    void parsesPointsWithOptionalLabels() {
        assertEquals(List.of(new Point(5, 6, true), new Point(7, 8, false)),
                HintParser.points("[[5, 6], [7, 8, 0]]", 640, 480));
    }

    @Test
    void refusesMalformedOrOutsidePoints() {
        assertThrows(ApiException.class, () -> HintParser.points("[[5]]", 640, 480));
        assertThrows(ApiException.class, () -> HintParser.points("[]", 640, 480));
        assertThrows(ApiException.class, () -> HintParser.points("not json", 640, 480));
        assertThrows(ApiException.class, () -> HintParser.points("[[640, 10]]", 640, 480));
    }
}
