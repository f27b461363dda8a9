package io.brushline.classifier.cli;

import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Prints how the offline engine scores on a labelled instruction file.
 * Usage: {@code EvaluateCommand [file.tsv] [--misses]}; the default file is the shared public set.
 */
public final class EvaluateCommand {

    static final String DEFAULT_TSV = "../shared/data/instructions/public-instructions.tsv";

    private EvaluateCommand() {
    }

    public static void main(String[] args) throws IOException {
        Path tsv = Path.of(DEFAULT_TSV);
        boolean misses = false;
        for (String arg : args) {
            if (arg.equals("--misses")) {
                misses = true;
            } else {
                tsv = Path.of(arg);
            }
        }
        if (!Files.isReadable(tsv)) {
            System.err.println("cannot read " + tsv);
            System.exit(2);
        }
        Evaluation e = Evaluation.run(tsv, new RuleBasedInstructionEngine());
        System.out.println("file: " + tsv);
        System.out.print(e.report());
        if (misses) {
            System.out.println();
            e.categoryMisses().forEach(m -> System.out.println(
                    "CATEGORY " + m.expected() + " -> " + m.actual() + " | " + m.instruction() + " | " + m.actualObject()));
            e.objectMisses().forEach(m -> System.out.println(
                    "OBJECT " + m.expectedObject() + " -> " + m.actualObject() + " | " + m.instruction()));
        }
    }
}
