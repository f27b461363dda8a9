package io.brushline.common.models;

import io.brushline.common.BrushlineConfig;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Model files at start-up: a missing local file is fetched from object storage
 * ({@code <prefix><file name>}, when {@code brushline.models.fetch-from-storage} is on) into the
 * configured path, which then serves as the cache; and a file with a {@code <file>.sha256} beside it
 * (locally or in storage) must match it, or the service refuses to start.
 */
@ApplicationScoped
public class ModelFiles {

    private static final Logger LOG = Logger.getLogger(ModelFiles.class);

    private final ObjectStore storage;
    private final BrushlineConfig.Models settings;

    public ModelFiles(ObjectStore storage, BrushlineConfig config) {
        this.storage = storage;
        this.settings = config.models();
    }

    /** The local path of the model file, present and verified. */
    public Path resolve(Path file) {
        Path checksum = file.resolveSibling(file.getFileName() + ".sha256");
        if (settings.fetchFromStorage()) {
            fetchIfMissing(file, true);
            fetchIfMissing(checksum, false);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("model file " + file.toAbsolutePath() + " does not exist"
                    + (settings.fetchFromStorage() ? " locally or in object storage under " + key(file) : ""));
        }
        if (Files.isRegularFile(checksum)) {
            verify(file, checksum);
        }
        return file;
    }

    private void fetchIfMissing(Path file, boolean required) {
        if (Files.isRegularFile(file)) {
            return;
        }
        try {
            new ModelDownload(storage).fetch(key(file), file);
            LOG.infof("fetched %s from object storage into %s", key(file), file.toAbsolutePath());
        } catch (MissingObjectException e) {
            if (required) {
                LOG.warnf("model %s is not in object storage either", key(file));
            }
        }
    }

    private String key(Path file) {
        return settings.storagePrefix() + file.getFileName();
    }

    static void verify(Path file, Path checksumFile) {
        String expected;
        try {
            expected = parseChecksum(Files.readString(checksumFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String actual = sha256(file);
        if (!actual.equals(expected)) {
            throw new IllegalStateException("model file " + file.toAbsolutePath() + " has SHA-256 " + actual
                    + " but " + checksumFile.getFileName() + " expects " + expected
                    + "; the file is damaged or not the model this deployment was given");
        }
    }

    /** The hex digest of a {@code .sha256} file ({@code sha256sum} format: digest, then optionally the name). */
    static String parseChecksum(String content) {
        return content.strip().split("\\s+")[0].toLowerCase(java.util.Locale.ROOT);
    }

    static String sha256(Path file) {
        try (var in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For optional models: the resolved path, or empty when it is neither local nor in storage. */
    public Optional<Path> resolveIfPresent(Path file) {
        try {
            return Optional.of(resolve(file));
        } catch (IllegalStateException missing) {
            if (missing.getMessage().contains("SHA-256")) {
                throw missing;
            }
            return Optional.empty();
        }
    }
}
