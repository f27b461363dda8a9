package io.brushline.classifier.learned;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared public instruction file: absent on a laptop (tests skip), required under CI=true. */
public final class SharedData {

    private SharedData() {
    }

    public static Path publicInstructions() {
        String shared = System.getProperty("brushline.shared.dir", "../../../shared");
        Path tsv = Path.of(shared, "data", "instructions", "public-instructions.tsv");
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (ci) {
            assertFalse(!Files.isReadable(tsv), "CI=true but the shared instruction file is missing: " + tsv);
        }
        assumeTrue(Files.isReadable(tsv), "no shared instruction file at " + tsv);
        return tsv;
    }
}
