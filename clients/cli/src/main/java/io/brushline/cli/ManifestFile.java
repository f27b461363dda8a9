package io.brushline.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A manifest as a command reads it: the file named, or standard input for {@code -}.
 *
 * @param name how messages name it: the file as given, or "standard input"
 * @param content its bytes, which the idempotency key is made of
 */
record ManifestFile(String name, byte[] content) {

    /** Reads {@code file}; one that does not exist is an IllegalArgumentException in words. */
    static ManifestFile read(String file) {
        try {
            if (file.equals("-")) {
                return new ManifestFile("standard input", System.in.readAllBytes());
            }
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("the manifest " + file + " does not exist");
            }
            return new ManifestFile(file, Files.readAllBytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest " + file + ": " + e.getMessage(), e);
        }
    }

    String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}
