package io.brushline.classifier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.classifier.ImageSize;
import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClassifyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private String[] run(String input, ImageSize size) throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ClassifyCommand.classifyAll(new BufferedReader(new StringReader(input)), out,
                    new RuleBasedInstructionEngine(), size);
        }
        return bytes.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void writesOneJsonObjectPerInstruction() throws Exception {
        String[] lines = run("remove the lamp\n\nadd a kite in the sky\n", null);
        assertEquals(2, lines.length, "blank lines are skipped");
        JsonNode remove = JSON.readTree(lines[0]);
        assertEquals("remove the lamp", remove.path("instruction").asText());
        assertEquals("REMOVE", remove.path("category").asText());
        assertEquals("lamp", remove.path("object").asText());
        assertEquals("lamp", remove.path("negative_prompt").asText());
        assertTrue(remove.has("target_prompt"));
        assertFalse(JSON.readTree(lines[1]).has("placement"), "no placement without an image size");
    }

    @Test
    void addsPlacementForAddWhenAnImageSizeIsGiven() throws Exception {
        JsonNode add = JSON.readTree(run("add a kite in the sky", ClassifyCommand.parseSize("1920x1080"))[0]);
        JsonNode box = add.path("placement").path("box");
        assertEquals(4, box.size());
        assertTrue(box.get(2).asInt() <= 1920 && box.get(3).asInt() <= 1080);
        assertEquals("sky", add.path("placement").path("anchor").asText());
    }

    @Test
    void rejectsMalformedImageSizes() {
        assertThrows(IllegalArgumentException.class, () -> ClassifyCommand.parseSize("1920"));
        assertThrows(IllegalArgumentException.class, () -> ClassifyCommand.parseSize("0x10"));
    }
}
