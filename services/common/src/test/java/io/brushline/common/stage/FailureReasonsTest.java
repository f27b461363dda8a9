package io.brushline.common.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.storage.StorageException;
import org.junit.jupiter.api.Test;

class FailureReasonsTest {

    @Test
    void aNativeLinkErrorIsDescribedInWordsWithoutItsJavaSignature() {
        var error = new UnsatisfiedLinkError("'long org.opencv.core.Mat.n_Mat(int, int, int, double, double, double, double)'");
        String reason = FailureReasons.internal("mask", error);
        assertEquals("the mask stage failed: a native library it needs is not loaded (the service log has the details)",
                reason);
        assertFalse(reason.contains("org.opencv"));
    }

    @Test
    void storageAndMemoryFailuresAreNamed() {
        assertTrue(FailureReasons.internal("paint", new StorageException("put x failed", null)).contains("object storage"));
        assertTrue(FailureReasons.internal("paint", new OutOfMemoryError("Java heap space")).contains("out of memory"));
    }

    @Test
    void ownMessagesInWordsAreKeptButLibraryMessagesAreNot() {
        assertTrue(FailureReasons.internal("mask", new IllegalStateException("the job reached masking without a box"))
                .contains("reached masking without a box"));
        // thrown inside a library: its message is not written for users
        var fromLibrary = new IllegalArgumentException("bad");
        fromLibrary.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("org.opencv.core.Mat", "n_Mat", "Mat.java", 1) });
        assertTrue(FailureReasons.internal("mask", fromLibrary).contains("an unexpected error"));
        // our own exception quoting a Java name
        assertFalse(FailureReasons.internal("mask", new IllegalStateException("call to java.util.Map.get failed"))
                .contains("java.util"));
    }
}
