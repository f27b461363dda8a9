package io.brushline.common.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.brushline.common.imaging.ImageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.Mat;

/**
 * The real models and photos in ../shared; tests that need them are skipped where it is absent, and
 * fail under {@code CI=true}.
 */
public final class SharedData {

    private SharedData() {
    }

    public static Path dir() {
        String dir = System.getProperty("brushline.shared.dir");
        assumeShared(dir != null && Files.isDirectory(Path.of(dir, "models")), "../shared is not available");
        return Path.of(dir);
    }

    public static Path model(String name) {
        Path file = dir().resolve("models").resolve(name);
        assumeShared(Files.isRegularFile(file), name + " is not available");
        return file;
    }

    /** Under {@code CI=true} missing shared data fails the test; elsewhere it skips it, saying why. */
    public static void assumeShared(boolean present, String message) {
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(present, message + " (CI=true requires ../shared)");
        }
        assumeTrue(present, message);
    }

    public static Mat image(String name) {
        try {
            return ImageCodec.decodeColor(Files.readAllBytes(dir().resolve("data/images").resolve(name)), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
