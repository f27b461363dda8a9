package io.brushline.common.storage;

/** The key does not exist in the bucket: retrying will not help. */
public class MissingObjectException extends StorageException {
    public MissingObjectException(String message, Throwable cause) {
        super(message, cause);
    }
}
