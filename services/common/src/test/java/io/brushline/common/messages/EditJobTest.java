package io.brushline.common.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EditJobTest {

    /**
     * Every stage continues the job's trace with withTraceparent; an operation lost there sends a CPU
     * job to the generative painter (which, without a model, fails it with no_painter_configured).
     */
    @Test
    void continuingTheTraceKeepsTheOperation() {
        Operation sepia = new Operation(Operation.CPU, "sepia", Map.of(), null);
        EditJob job = new EditJob(EditJob.SCHEMA_VERSION, "job-1", "default", 1, "00-a-b-01", "2026-01-01T00:00:00Z",
                "sepia tone", null, null, null, null, null, null, null, null, Map.of(), sepia, Map.of("classify", 3L), null);
        EditJob continued = job.withTraceparent("00-c-d-01");
        assertEquals(sepia, continued.operation());
        assertEquals(Map.of("classify", 3L), continued.storageMillis());
        assertEquals("00-c-d-01", continued.traceparent());
        assertEquals(job.withTraceparent(job.traceparent()), job);
    }
}
