package io.brushline.masking;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.brushline.common.imaging.ImageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.Mat;

/** The real models and photos in ../shared; tests that need them are skipped where it is absent. */
public final class SharedData {

    private SharedData() {
    }

    public static Path dir() {
        String dir = System.getProperty("brushline.shared.dir");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir, "models")), "../shared is not available");
        return Path.of(dir);
    }

    public static Path model(String name) {
        Path file = dir().resolve("models").resolve(name);
        assumeTrue(Files.isRegularFile(file), name + " is not available");
        return file;
    }

    public static Mat image(String name) {
        try {
            return ImageCodec.decodeColor(Files.readAllBytes(dir().resolve("data/images").resolve(name)), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
