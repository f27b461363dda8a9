package io.brushline.common.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brushline.common.imaging.ResultFormat;
import java.util.List;
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
                "sepia tone", null, null, null, null, null, null, null, null, Map.of(), sepia, Map.of("classify", 3L), null,
                null);
        EditJob continued = job.withTraceparent("00-c-d-01");
        assertEquals(sepia, continued.operation());
        assertEquals(Map.of("classify", 3L), continued.storageMillis());
        assertEquals("00-c-d-01", continued.traceparent());
        assertEquals(job.withTraceparent(job.traceparent()), job);
    }

    /** A JPEG photo's result format is decided at submission; a stage that dropped it would store a PNG. */
    @Test
    void everyStageKeepsTheResultFormat() {
        EditJob job = new EditJob(EditJob.SCHEMA_VERSION, "job-2", "default", 1, "00-a-b-01", "2026-01-01T00:00:00Z",
                "remove the dog", new ImageRef("k", "image/jpeg", 8, 8), null, null, null, null, null, null, null,
                Map.of()).withResultFormat(ResultFormat.JPEG);
        List<EditJob> passedOn = List.of(job.withTraceparent("00-c-d-01"),
                job.withClassification(new Classification(Category.REMOVE, "dog", null, null, null, "rules")),
                job.withGrounding(null), job.withMask(null), job.withResult(null), job.withStageTimes("mask", 1, 2),
                job.withOperation(null), job.withFailure(null), job.withDataset(null));
        for (EditJob next : passedOn) {
            assertEquals(ResultFormat.JPEG, next.resultFormat());
        }
    }
}
