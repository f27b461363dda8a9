package io.brushline.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where the shared evaluation data is, and clean folders for a test's stack. */
final class TestData {

    private TestData() {
    }

    /**
     * The shared folder ({@code -Dbrushline.shared.dir}, default ../shared) with its photos in
     * data/images; the test is skipped when it is missing, and fails under CI=true.
     */
    static Path sharedDir() {
        Path shared = Path.of(System.getProperty("brushline.shared.dir", "../shared")).toAbsolutePath().normalize();
        boolean present = Files.isDirectory(shared.resolve("data/images"));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("shared evaluation data missing at " + shared);
        }
        assumeTrue(present, "shared data missing at " + shared);
        return shared;
    }

    /** Removes {@code dir} and everything in it, if it exists. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
