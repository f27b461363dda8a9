package io.brushline.masking;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.brushline.common.messages.Category;
import io.brushline.common.messages.DatasetItem;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Grounding;
import io.brushline.common.messages.Operation;
import io.brushline.common.testing.InMemoryChannel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a masked job goes next: the edits' topic, the CPU tier's, or the lane of a dataset's removals. */
class MaskingStageTest {

    private final MaskingStage stage = new MaskingStage();

    MaskingStageTest() {
        stage.masked = InMemoryChannel.of(message -> { });
        stage.maskedForCpu = InMemoryChannel.of(message -> { });
        stage.maskedInBulk = InMemoryChannel.of(message -> { });
    }

    @Test
    void anEditGoesToEditMasked() {
        assertSame(stage.masked, stage.next(removal()));
    }

    @Test
    void anExactCpuOperationGoesToTheCpuTier() {
        assertSame(stage.maskedForCpu,
                stage.next(removal().withOperation(new Operation(Operation.CPU, "grayscale", Map.of(), null))));
    }

    @Test
    void aDatasetsRemovalGoesToTheBulkLaneSoThatEditsNeverQueueBehindIt() {
        assertSame(stage.maskedInBulk, stage.next(removal().withDataset(DatasetItem.survey("ds1", 0))));
    }

    private static EditJob removal() {
        return MaskMakerTest.job(Category.REMOVE, new Grounding(Grounding.HINT, List.of()), null);
    }
}
