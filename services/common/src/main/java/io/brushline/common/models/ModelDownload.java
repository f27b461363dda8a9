package io.brushline.common.models;

import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Copies one model file from object storage to a local path: streamed to disk (any size, a small
 * buffer), resumable (an interrupted copy leaves {@code <file>.part}, and the next attempt asks only
 * for the bytes after it), and checked against the {@code <key>.sha256} object when there is one.
 * A file already in place with the right size and checksum is left alone, so a persistent cache is
 * not downloaded twice.
 */
public final class ModelDownload {

    /** What happened to one file. */
    public enum Outcome {
        ALREADY_PRESENT,
        DOWNLOADED,
        RESUMED
    }

    private final ObjectStore storage;

    public ModelDownload(ObjectStore storage) {
        this.storage = storage;
    }

    /**
     * Makes {@code target} a verified copy of object {@code key}. Throws {@link MissingObjectException}
     * when the object does not exist and {@link IllegalStateException} when it does not match its
     * checksum even after a fresh download.
     */
    public Outcome fetch(String key, Path target) {
        long size = storage.size(key);
        Optional<String> expected = expectedSha256(key);
        Path checksumFile = target.resolveSibling(target.getFileName() + ".sha256");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            if (Files.isRegularFile(target) && Files.size(target) == size
                    && expected.map(sha -> sha.equals(ModelFiles.sha256(target))).orElse(true)) {
                return Outcome.ALREADY_PRESENT;
            }
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            long done = Files.isRegularFile(partial) ? Files.size(partial) : 0;
            if (done > size) {
                Files.delete(partial);
                done = 0;
            }
            Outcome outcome = done > 0 ? Outcome.RESUMED : Outcome.DOWNLOADED;
            if (done < size) {
                storage.appendTo(key, done, partial);
            } else if (done == 0) {
                Files.createFile(partial);
            }
            if (expected.isPresent() && !expected.get().equals(ModelFiles.sha256(partial))) {
                // The kept part may come from an older version of the object: start over once.
                Files.delete(partial);
                if (outcome == Outcome.DOWNLOADED) {
                    throw damaged(key, partial);
                }
                storage.appendTo(key, 0, partial);
                outcome = Outcome.DOWNLOADED;
                if (!expected.get().equals(ModelFiles.sha256(partial))) {
                    throw damaged(key, partial);
                }
            }
            // Only a complete, verified copy ever appears under the real name.
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (expected.isPresent()) {
                Files.writeString(checksumFile, expected.get() + "  " + target.getFileName() + "\n");
            }
            return outcome;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write model file " + target.toAbsolutePath(), e);
        }
    }

    private Optional<String> expectedSha256(String key) {
        Path temp = null;
        try {
            temp = Files.createTempFile("model", ".sha256");
            storage.appendTo(key + ".sha256", 0, temp);
            return Optional.of(ModelFiles.parseChecksum(Files.readString(temp)));
        } catch (MissingObjectException noChecksum) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (temp != null) {
                temp.toFile().delete();
            }
        }
    }

    private static IllegalStateException damaged(String key, Path partial) {
        try {
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // the next attempt deletes it
        }
        return new IllegalStateException("model file " + key + " in object storage does not match " + key
                + ".sha256; the object is damaged or the checksum belongs to another file");
    }
}
