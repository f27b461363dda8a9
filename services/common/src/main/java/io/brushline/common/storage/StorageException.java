package io.brushline.common.storage;

/** Object storage could not be reached or refused a request; usually heals, so stages retry it. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
