package io.brushline.common.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.BrushlineConfig;
import io.brushline.common.testing.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dataset's counts against a real redis-server: each event once, zero exactly at the end. */
class DatasetStoreTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private DatasetStore datasets;

    @BeforeEach
    void connect() {
        BrushlineConfig config = JobTtlConfig.of(Duration.ofDays(1));
        datasets = new DatasetStore(REDIS.emptied(), config);
    }

    @Test
    void remainingReachesZeroOnlyWhenEveryImageIsSurveyedAndEveryRemovalHasEnded() {
        assertTrue(datasets.create("d1", "acme", 2, Map.of("webhookUrl", "http://hook")));
        assertFalse(datasets.create("d1", "acme", 5, Map.of()), "a second create must not reset the dataset");

        assertEquals(2, datasets.recordSurvey("d1", 0, 4, 1, Map.of("area", 2, "border", 1)));
        assertEquals(2, datasets.recordSurvey("d1", 0, 4, 1, Map.of("area", 2, "border", 1)), "counted once");
        assertEquals(1, datasets.removalsInFlight("d1"));
        assertEquals(1, datasets.recordPair("d1", "000000-00", null, "{\"label\":\"dog\"}"));
        assertEquals(0, datasets.removalsInFlight("d1"));
        assertEquals(1, datasets.recordPair("d1", "000000-00", null, "{\"label\":\"dog\"}"), "counted once");
        assertEquals(2, datasets.recordSurvey("d1", 1, 2, 2, Map.of()));
        assertEquals(2, datasets.removalsInFlight("d1"));
        assertEquals(1, datasets.recordPair("d1", "000001-00", "still_detected", ""));
        assertEquals(1, datasets.removalsInFlight("d1"), "a pair dropped by the verification has ended too");
        assertEquals(0, datasets.recordPair("d1", "000001-01", null, "{\"label\":\"cat\"}"));

        Map<String, String> hash = datasets.get("d1");
        assertEquals("2", hash.get("images.surveyed"));
        assertEquals("6", hash.get("objects.found"));
        assertEquals("3", hash.get("pairs.queued"));
        assertEquals("2", hash.get("pairs.kept"));
        assertEquals("2", hash.get("dropped.area"));
        assertEquals("1", hash.get("dropped.border"));
        assertEquals("1", hash.get("dropped.still_detected"));
        assertEquals("acme", hash.get("tenant"));
        assertEquals(List.of("000000-00", "000001-01"), List.copyOf(datasets.rows("d1").keySet()));
    }

    @Test
    void theFirstCompletionTimeStaysAndAMissingDatasetCountsNothing() {
        assertEquals(-1, datasets.recordSurvey("nope", 0, 1, 0, Map.of()));
        assertEquals(0, datasets.removalsInFlight("nope"));
        assertEquals(null, datasets.markCompleted("nope", "acme"));
        datasets.create("d2", "acme", 1, Map.of());
        assertEquals(0, datasets.recordSurvey("d2", 0, 0, 0, Map.of()));
        String first = datasets.markCompleted("d2", "acme");
        datasets.create("d3", "acme", 2, Map.of());
        assertEquals(1, datasets.recordFailedImage("d3", 1, "{\"error\":\"invalid_image\"}"));
        assertEquals(1, datasets.recordFailedImage("d3", 1, "{\"error\":\"invalid_image\"}"), "counted once");
        assertEquals("1", datasets.get("d3").get("dropped.image_failed"));
        assertEquals("{\"error\":\"invalid_image\"}", datasets.get("d3").get("failed.1"));
        assertNotEquals(null, first);
        assertEquals(first, datasets.markCompleted("d2", "acme"));
    }

    @Test
    void aDatasetCountedToZeroIsUnfinishedUntilCompleted() {
        datasets.create("d4", "acme", 2, Map.of());
        datasets.create("d5", "acme", 1, Map.of());
        assertEquals(1, datasets.recordFailedImage("d4", 0, "{}"));
        assertEquals(List.of(), datasets.unfinished().since(Instant.now().plusSeconds(1)), "d4 is not at zero yet");

        assertEquals(0, datasets.recordFailedImage("d4", 1, "{}"));
        assertEquals(0, datasets.recordSurvey("d5", 0, 0, 0, Map.of()));
        assertEquals(0, datasets.recordSurvey("d5", 0, 0, 0, Map.of()), "a redelivered last event");
        assertEquals(List.of("d4", "d5"), datasets.unfinished().since(Instant.now().plusSeconds(1)).stream().sorted()
                .toList());
        assertEquals(List.of(), datasets.unfinished().since(Instant.now().minusSeconds(60)),
                "found at zero only now, not a minute ago");

        datasets.markCompleted("d5", "acme");
        assertEquals(0, datasets.recordSurvey("d5", 0, 0, 0, Map.of()), "an event after completion");
        assertEquals(List.of("d4"), datasets.unfinished().since(Instant.now().plusSeconds(1)));
        datasets.unfinished().forget("d4");
        assertEquals(List.of(), datasets.unfinished().since(Instant.now().plusSeconds(1)));
    }
}
