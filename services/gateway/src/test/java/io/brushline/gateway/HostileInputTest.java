package io.brushline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hostile-input corpus (made by tools/make_hostile_corpus.py) and what the API answers to each file. */
class HostileInputTest {

    private final ImageInspector inspector = new ImageInspector(TestConfig.gateway(1_000_000, 4_000_000, Map.of()));

    static byte[] corpus(String name) throws IOException {
        try (InputStream in = HostileInputTest.class.getResourceAsStream("/hostile/" + name)) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource({
        "truncated.jpg, damaged or truncated",
        "truncated.png, damaged or truncated",
        "truncated.webp, damaged or truncated",
        "corrupt.png, damaged or truncated",
        "empty.jpg, is empty",
        "text-named.png, not an image in a supported format"})
    void brokenFilesAreRefusedWithAClearMessage(String file, String message) throws IOException {
        var refused = assertThrows(ApiException.class, () -> inspector.inspect(corpus(file), "image"));
        assertEquals("invalid_image", refused.code());
        assertTrue(refused.getMessage().contains(message), refused.getMessage());
    }

    @ParameterizedTest(name = "{0} is accepted as {1} {2}x{3}")
    @CsvSource({
        "valid.jpg, image/jpeg, 64, 48",
        "valid.webp, image/webp, 64, 48",
        "jpeg-named.png, image/jpeg, 64, 48",
        "cmyk.jpg, image/jpeg, 64, 48",
        "gray.jpg, image/jpeg, 64, 48",
        "gray16.png, image/png, 64, 48",
        "alpha.png, image/png, 64, 48",
        // EXIF orientation 6 (a quarter turn): sized as people see it
        "exif-rotated-90.jpg, image/jpeg, 48, 64"})
    void unusualButValidImagesAreAcceptedByTheirContent(String file, String type, int width, int height)
            throws IOException {
        assertEquals(new ImageInspector.ImageInfo(type, width, height), inspector.inspect(corpus(file), "image"));
    }
}
