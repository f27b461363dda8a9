package io.brushline.classifier.bench;

import io.brushline.classifier.operations.OperationPlanner;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many of the public instructions (shared/data/instructions/public-instructions.tsv, by their
 * labelled category) the CPU tier serves and how many need a generative model, and which operations
 * they get. Prints Markdown. The labelled category is used, so the figures measure the planner alone,
 * not the classifier's mistakes.
 *
 * <p>Argument: the TSV file.
 */
public final class CpuCoverageReport {

    private CpuCoverageReport() {
    }

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        OperationPlanner planner = new OperationPlanner();
        Map<Category, int[]> counts = new EnumMap<>(Category.class);
        Map<String, Integer> operations = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] columns = line.split("\t", -1);
            if (columns.length < 5 || "SKIP".equals(columns[4])) {
                continue;
            }
            Category category = Category.valueOf(columns[4]);
            Operation operation = planner.plan(columns[2], category, false);
            int[] count = counts.computeIfAbsent(category, c -> new int[2]);
            count[operation.isCpu() ? 0 : 1]++;
            if (operation.isCpu()) {
                operations.merge(operation.name(), 1, Integer::sum);
            }
        }
        System.out.println("| category | instructions | CPU tier | generative model | CPU share |");
        System.out.println("|---|---|---|---|---|");
        int cpu = 0;
        int all = 0;
        for (var entry : counts.entrySet()) {
            int[] c = entry.getValue();
            cpu += c[0];
            all += c[0] + c[1];
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.0f %% |%n", entry.getKey(), c[0] + c[1], c[0], c[1],
                    100.0 * c[0] / (c[0] + c[1]));
        }
        System.out.printf(Locale.ROOT, "| all | %d | %d | %d | %.0f %% |%n%n", all, cpu, all - cpu, 100.0 * cpu / all);
        System.out.println("CPU operations chosen: " + operations);
    }
}
