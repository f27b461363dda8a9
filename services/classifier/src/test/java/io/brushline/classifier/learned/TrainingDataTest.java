package io.brushline.classifier.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The examples the engine learns from never contain a sentence it is evaluated on. */
class TrainingDataTest {

    private static final Path UNSEEN_A = Path.of("src/test/resources/eval/unseen-instructions.tsv");
    private static final Path UNSEEN_B = Path.of("src/test/resources/eval/unseen-instructions-b.tsv");
    private static final Path UNSEEN_C = Path.of("src/test/resources/eval/unseen-instructions-c.tsv");
    private static final Path UNSEEN_D = Path.of("src/test/resources/eval/unseen-instructions-d.tsv");
    private static final Path UNSEEN_E = Path.of("src/test/resources/eval/unseen-instructions-e.tsv");
    private static final Path UNSEEN_F = Path.of("src/test/resources/eval/unseen-instructions-f.tsv");

    @Test
    void pairsStayOnOneSide() {
        assertEquals(PublicSplit.isTest("ObjectRemoval:7:0006.jpg:ori"), PublicSplit.isTest("ObjectRemoval:7:0006.jpg:div"));
        assertEquals("ObjectRemoval:7:0006.jpg", PublicSplit.pairId("ObjectRemoval:7:0006.jpg:div"));
        assertEquals("texture_change/6", PublicSplit.pairId("texture_change/6"));
    }

    @Test
    void bundledPublicRowsAreExactlyTheTrainingSplit() throws Exception {
        List<String> rows = Files.readAllLines(SharedData.publicInstructions(), StandardCharsets.UTF_8);
        Set<String> train = new HashSet<>();
        Set<String> test = new HashSet<>();
        int testRows = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split("\t", -1);
            if (f[4].isBlank() || f[4].equals("SKIP")) {
                continue;
            }
            if (PublicSplit.isTest(f[1])) {
                test.add(key(f[2]));
                testRows++;
            } else {
                train.add(f[1] + "\t" + f[4] + "\t" + f[2]);
            }
        }
        assertTrue(testRows > 300, "a test split of useful size: " + testRows);
        Set<String> bundled = TrainingSet.read("public-train.tsv", 1, 1).stream()
                .map(e -> e.instruction()).collect(Collectors.toSet());
        assertEquals(train.stream().map(r -> r.split("\t")[2]).collect(Collectors.toSet()), bundled);
        for (LabelledInstruction example : TrainingSet.bundled()) {
            boolean inTest = test.contains(key(example.instruction()));
            // identical templated sentences can occur on both sides; never one that is only in test
            assertFalse(inTest && !bundled.contains(example.instruction()), example.instruction());
        }
        for (LabelledInstruction example : TrainingSet.read("own-examples.tsv", 0, 1)) {
            assertFalse(test.contains(key(example.instruction())), "written example copies a test row: "
                    + example.instruction());
        }
    }

    @Test
    void writtenExamplesAreNotTheUnseenSets() throws Exception {
        Set<String> unseen = new HashSet<>();
        for (Path file : List.of(UNSEEN_A, UNSEEN_B, UNSEEN_C, UNSEEN_D, UNSEEN_E, UNSEEN_F)) {
            List<String> rows = Files.readAllLines(file, StandardCharsets.UTF_8);
            rows.subList(1, rows.size()).forEach(r -> unseen.add(key(r.split("\t")[2])));
        }
        assertTrue(unseen.size() >= 760);
        for (LabelledInstruction example : TrainingSet.bundled()) {
            assertFalse(unseen.contains(key(example.instruction())), example.instruction());
        }
    }

    private static String key(String sentence) {
        return sentence.toLowerCase(Locale.ROOT).strip();
    }
}
