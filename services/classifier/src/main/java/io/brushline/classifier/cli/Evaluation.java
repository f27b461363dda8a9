package io.brushline.classifier.cli;

import io.brushline.classifier.InstructionEngine;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.stage.StageFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Scores an engine on a labelled TSV (columns source, id, instruction, original_category,
 * mapped_category, object; rows labelled SKIP are left out): accuracy, per-class recall and precision,
 * the confusion matrix, and how often the object phrase matches the label (same head noun; and the
 * looser containment either way).
 */
public final class Evaluation {

    /** One row the engine got wrong, kept for reading the failures. */
    public record Miss(String instruction, Category expected, Category actual, String expectedObject,
            String actualObject) {
    }

    private final int[][] confusion = new int[Category.values().length][Category.values().length];
    private final List<Miss> categoryMisses = new ArrayList<>();
    private final List<Miss> objectMisses = new ArrayList<>();
    private int rows;
    private int correct;
    private int objectRows;
    private int objectMatches;
    private int headMatches;
    private int rejected;

    private static final Set<String> HEAD_ENDS = Set.of("on", "in", "of", "with", "at", "near", "from", "by",
            "behind", "holding", "wearing", "that", "who", "which");

    public static Evaluation run(Path tsv, InstructionEngine engine) throws IOException {
        return run(tsv, engine, id -> true);
    }

    /** Scores only the rows whose id {@code rows} accepts (a split of the file). */
    public static Evaluation run(Path tsv, InstructionEngine engine, Predicate<String> rows) throws IOException {
        Evaluation e = new Evaluation();
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            if (f.length < 5 || f[4].isBlank() || f[4].equals("SKIP") || !rows.test(f[1])) {
                continue;
            }
            Classification got;
            try {
                got = engine.understand(f[2], null);
            } catch (StageFailure rejected) {
                got = null;
            }
            e.score(f[2], Category.valueOf(f[4].trim()), f.length > 5 ? f[5].trim() : "", got);
        }
        return e;
    }

    /** {@code got} is null when the engine turned the instruction away as unreadable. */
    private void score(String instruction, Category expected, String expectedObject, Classification got) {
        rows++;
        Category actual = got == null ? null : got.category();
        String actualObject = got == null ? null : got.object();
        if (actual == null) {
            rejected++;
        } else {
            confusion[expected.ordinal()][actual.ordinal()]++;
        }
        if (expected == actual) {
            correct++;
        } else {
            categoryMisses.add(new Miss(instruction, expected, actual, expectedObject, actualObject));
        }
        if (!expectedObject.isEmpty()) {
            objectRows++;
            if (objectMatches(expectedObject, actualObject)) {
                objectMatches++;
            }
            if (headMatches(expectedObject, actualObject)) {
                headMatches++;
            } else {
                objectMisses.add(new Miss(instruction, expected, actual, expectedObject, actualObject));
            }
        }
    }

    /**
     * The stricter object metric: the head nouns (last word before any preposition, plural folded)
     * must be equal, so "man" does not match "woman" and "a" does not match "banana".
     */
    static boolean headMatches(String expected, String actual) {
        return actual != null && !actual.isBlank() && head(expected).equals(head(actual));
    }

    static String head(String phrase) {
        String[] words = phrase.toLowerCase(Locale.ROOT).trim().split("\\s+");
        int end = 0;
        while (end < words.length && !HEAD_ENDS.contains(words[end])) {
            end++;
        }
        String head = words[Math.max(0, end - 1)].replaceAll("'s$", "");
        if (head.endsWith("ies") && head.length() > 4) {
            return head.substring(0, head.length() - 3) + "y";
        }
        if (head.endsWith("es") && head.matches(".*(ch|sh|x|ss)es")) {
            return head.substring(0, head.length() - 2);
        }
        return head.endsWith("s") && !head.endsWith("ss") && head.length() > 3 ? head.substring(0, head.length() - 1) : head;
    }

    static boolean objectMatches(String expected, String actual) {
        if (actual == null || actual.isBlank()) {
            return false;
        }
        String e = expected.toLowerCase(Locale.ROOT);
        String a = actual.toLowerCase(Locale.ROOT);
        return e.contains(a) || a.contains(e);
    }

    public int rows() {
        return rows;
    }

    public double accuracy() {
        return rows == 0 ? 0 : (double) correct / rows;
    }

    public double objectMatchRate() {
        return objectRows == 0 ? 0 : (double) objectMatches / objectRows;
    }

    public double headMatchRate() {
        return objectRows == 0 ? 0 : (double) headMatches / objectRows;
    }

    public Map<Category, Double> recall() {
        Map<Category, Double> out = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            int total = Arrays.stream(confusion[c.ordinal()]).sum();
            if (total > 0) {
                out.put(c, (double) confusion[c.ordinal()][c.ordinal()] / total);
            }
        }
        return out;
    }

    public Map<Category, Double> precision() {
        Map<Category, Double> out = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            int predicted = 0;
            for (int[] row : confusion) {
                predicted += row[c.ordinal()];
            }
            if (predicted > 0) {
                out.put(c, (double) confusion[c.ordinal()][c.ordinal()] / predicted);
            }
        }
        return out;
    }

    public List<Miss> categoryMisses() {
        return categoryMisses;
    }

    public List<Miss> objectMisses() {
        return objectMisses;
    }

    /** The human-readable report the evaluation command prints. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "rows: %d (SKIP excluded)%n", rows));
        sb.append(String.format(Locale.ROOT, "overall accuracy: %.2f%% (%d/%d)%n", 100 * accuracy(), correct, rows));
        sb.append(String.format(Locale.ROOT, "object match, same head noun: %.2f%% (%d/%d rows with an object)%n",
                100 * headMatchRate(), headMatches, objectRows));
        sb.append(String.format(Locale.ROOT, "object match, containment: %.2f%% (%d/%d)%n",
                100 * objectMatchRate(), objectMatches, objectRows));
        if (rejected > 0) {
            sb.append(String.format(Locale.ROOT, "turned away as unreadable: %d%n", rejected));
        }
        sb.append(String.format(Locale.ROOT, "%n%-11s %8s %9s%n", "class", "recall", "precision"));
        Map<Category, Double> recall = recall();
        Map<Category, Double> precision = precision();
        for (Category c : Category.values()) {
            sb.append(String.format(Locale.ROOT, "%-11s %7.2f%% %8.2f%%%n", c,
                    100 * recall.getOrDefault(c, 0.0), 100 * precision.getOrDefault(c, 0.0)));
        }
        sb.append(String.format(Locale.ROOT, "%nconfusion (rows = expected, columns = predicted)%n%-11s", ""));
        for (Category c : Category.values()) {
            sb.append(String.format(Locale.ROOT, "%11s", c));
        }
        sb.append(System.lineSeparator());
        for (Category expected : Category.values()) {
            sb.append(String.format(Locale.ROOT, "%-11s", expected));
            for (Category actual : Category.values()) {
                sb.append(String.format(Locale.ROOT, "%11d", confusion[expected.ordinal()][actual.ordinal()]));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }
}
