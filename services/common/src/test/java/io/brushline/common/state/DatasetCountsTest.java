package io.brushline.common.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The counts read from a dataset hash as it is stored, without Redis. */
class DatasetCountsTest {

    @Test
    void readsDropsByReasonFailedImagesAndThePairsTheVerificationDropped() {
        Map<String, String> hash = Map.of(
                "images", "12",
                "pairs.kept", "3",
                "dropped.area_too_small", "4",
                "dropped.image_failed", "2",
                "dropped.still_detected", "2",
                "dropped.removal_failed", "1",
                "dropped.mask_area", "1",
                "dropped.verification_failed", "3",
                "failed.10", "{\"error\":\"invalid_image\"}",
                "failed.2", "{\"error\":\"not_found\"}");

        DatasetCounts counts = DatasetCounts.of(hash);

        assertEquals(List.of("area_too_small", "image_failed", "mask_area", "removal_failed", "still_detected",
                "verification_failed"), List.copyOf(counts.dropped().keySet()), "in name order");
        assertEquals(4L, counts.dropped().get("area_too_small"));
        assertEquals(3L, counts.dropped().get("verification_failed"));
        assertEquals(7L, counts.pairsDropped(), "every verification drop, verification_failed too; "
                + "no survey drop and no failed image");
        assertEquals(List.of(2, 10), List.copyOf(counts.failedImages().keySet()), "by index, as numbers");
        assertEquals("{\"error\":\"not_found\"}", counts.failedImages().get(2));
    }

    @Test
    void aNewDatasetHasNothingDroppedOrFailed() {
        DatasetCounts counts = DatasetCounts.of(Map.of("images", "2", "remaining", "2"));

        assertEquals(Map.of(), counts.dropped());
        assertEquals(Map.of(), counts.failedImages());
        assertEquals(0L, counts.pairsDropped());
    }
}
