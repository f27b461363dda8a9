package io.brushline.classifier.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.classifier.learned.SharedData;
import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import io.brushline.common.messages.Category;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The rule engine against the whole shared file (in-sample: its word lists were shaped by reading it). */
class PublicInstructionsEvaluationTest {

    @Test
    void meetsTheAccuracyGoals() throws Exception {
        Path tsv = SharedData.publicInstructions();

        Evaluation e = Evaluation.run(tsv, new RuleBasedInstructionEngine());
        System.out.print(e.report());

        assertTrue(e.rows() > 1000, "expected the full file, read " + e.rows() + " rows");
        assertTrue(e.accuracy() >= 0.95, "overall accuracy " + e.accuracy());
        for (Category c : Category.values()) {
            double recall = e.recall().getOrDefault(c, 0.0);
            assertTrue(recall >= 0.90, c + " recall " + recall);
        }
        assertTrue(e.objectMatchRate() >= 0.90, "object match " + e.objectMatchRate());
    }
}
