package io.brushline.common.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.BrushlineConfig;
import io.brushline.common.imaging.ResultFormat;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.DatasetItem;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.ImageRef;
import io.brushline.common.testing.RedisServerExtension;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job hash against a real redis-server: the final transition read back, a job rebuilt from it. */
class JobStoreTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private JobStore jobs;

    @BeforeEach
    void connect() {
        BrushlineConfig config = JobTtlConfig.of(Duration.ofDays(1));
        jobs = new JobStore(REDIS.emptied(), config);
    }

    private static EditJob job(String id) {
        return new EditJob(EditJob.SCHEMA_VERSION, id, "acme", 1, null, "2026-12-01T10:00:00Z", "remove the dog",
                new ImageRef("jobs/" + id + "/source", "image/jpeg", 64, 48), null, "https://hooks.example/a", null,
                null, null, null, null, null);
    }

    @Test
    void theFinalTransitionAnswersTheStateBeforeItAndTheJobAsStored() {
        jobs.create(job("j1"));
        jobs.advance("j1", JobState.PAINTING);

        JobStore.Advanced ended = jobs.advanceAndRead("j1", JobState.SUCCEEDED, Map.of("resultKey", "jobs/j1/result"))
                .orElseThrow();
        assertEquals(JobState.PAINTING, ended.before());
        assertEquals("SUCCEEDED", ended.fields().get("state"));
        assertEquals("jobs/j1/result", ended.fields().get("resultKey"));
        assertEquals("https://hooks.example/a", ended.fields().get("webhookUrl"));
        assertEquals(jobs.get("j1"), ended.fields());

        JobStore.Advanced again = jobs.advanceAndRead("j1", JobState.FAILED, Map.of("failureCode", "late"))
                .orElseThrow();
        assertEquals(JobState.SUCCEEDED, again.before());
        assertEquals("SUCCEEDED", again.fields().get("state"), "a terminal job does not change");
        assertEquals(null, again.fields().get("failureCode"));
        assertEquals(Optional.empty(), jobs.advanceAndRead("nope", JobState.SUCCEEDED, Map.of()));
    }

    @Test
    void aDatasetRemovalRebuiltFromItsRecordKeepsItsDatasetTag() {
        DatasetItem tag = new DatasetItem("ds1", 3, 1, "dog", new Box(1, 2, 30, 40), 0.8, "add a dog on the bench",
                null);
        jobs.create(job("j2").withDataset(tag));

        EditJob rebuilt = jobs.submitted("j2").orElseThrow();
        assertEquals(tag, rebuilt.dataset());
        assertEquals("ds1", jobs.get("j2").get("datasetId"));
        assertTrue(jobs.submitted("j1").isEmpty());
    }

    /** A job whose message cannot be read is failed from its record; its replay must paint what was asked. */
    @Test
    void aJobRebuiltFromItsRecordKeepsItsResultFormatAndItsResultsType() {
        jobs.create(job("j3").withResultFormat(ResultFormat.JPEG));
        assertEquals(ResultFormat.JPEG, jobs.submitted("j3").orElseThrow().resultFormat());

        EditJob done = job("j3").withResult(new ImageRef("jobs/j3/result.jpg", "image/jpeg", 64, 48));
        jobs.advance("j3", JobState.SUCCEEDED, JobStore.decidedFields(done));
        assertEquals("image/jpeg", JobStore.resultType(jobs.get("j3")));
        assertEquals("image/png", JobStore.resultType(Map.of("resultKey", "jobs/old/result.png")),
                "results stored before their type was recorded were PNG");
    }
}
