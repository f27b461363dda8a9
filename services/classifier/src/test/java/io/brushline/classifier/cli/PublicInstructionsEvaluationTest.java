package io.brushline.classifier.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import io.brushline.common.messages.Category;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The offline engine against the shared labelled instructions: the goals of the issue, measured. */
class PublicInstructionsEvaluationTest {

    @Test
    void meetsTheAccuracyGoals() throws Exception {
        String shared = System.getProperty("brushline.shared.dir", "../../../shared");
        Path tsv = Path.of(shared, "data", "instructions", "public-instructions.tsv");
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(Files.isReadable(tsv), "no shared instruction file at " + tsv + " (CI=true requires ../shared)");
        }
        assumeTrue(Files.isReadable(tsv), "no shared instruction file at " + tsv);

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
