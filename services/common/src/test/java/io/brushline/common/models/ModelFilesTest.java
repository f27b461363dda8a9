package io.brushline.common.models;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {

    @TempDir
    Path dir;

    @Test
    void computesTheSha256OfAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("model.onnx"), "abc");
        // SHA-256 of "abc" from FIPS 180-2, appendix B.1
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ModelFiles.sha256(file));
    }

    @Test
    void acceptsAMatchingChecksumFileInSha256sumFormat() throws Exception {
        Path file = Files.writeString(dir.resolve("model.onnx"), "abc");
        Path checksum = Files.writeString(dir.resolve("model.onnx.sha256"),
                "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD  model.onnx\n");
        assertDoesNotThrow(() -> ModelFiles.verify(file, checksum));
    }

    @Test
    void refusesADamagedModel() throws Exception {
        Path file = Files.writeString(dir.resolve("model.onnx"), "abd");
        Path checksum = Files.writeString(dir.resolve("model.onnx.sha256"),
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
        var refused = assertThrows(IllegalStateException.class, () -> ModelFiles.verify(file, checksum));
        assertTrue(refused.getMessage().contains("damaged"), refused.getMessage());
    }
}
