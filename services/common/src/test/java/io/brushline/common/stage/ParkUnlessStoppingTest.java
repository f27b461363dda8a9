package io.brushline.common.stage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class ParkUnlessStoppingTest {

    @Test
    void aRecordRefusedByAClosedWorkerPoolIsLeftUncommitted() {
        var refused = new RejectedExecutionException("WorkerPoolRegistry is being shut down");
        assertTrue(ParkUnlessStopping.rejectedWhileStopping(refused));
        assertTrue(ParkUnlessStopping.rejectedWhileStopping(new CompletionException(refused)), "wrapped");
    }

    @Test
    void everyOtherFailureIsParked() {
        assertFalse(ParkUnlessStopping.rejectedWhileStopping(new IllegalStateException("boom")));
        assertFalse(ParkUnlessStopping.rejectedWhileStopping(new CompletionException(new IllegalStateException())));
        assertFalse(ParkUnlessStopping.rejectedWhileStopping(null));
    }
}
