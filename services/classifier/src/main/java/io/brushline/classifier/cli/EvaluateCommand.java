package io.brushline.classifier.cli;

import io.brushline.classifier.InstructionEngine;
import io.brushline.classifier.config.InstructionEngineProducer;
import io.brushline.classifier.learned.PublicSplit;
import io.brushline.classifier.llm.LlmInstructionEngine;
import io.brushline.classifier.llm.LlmSettings;
import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import io.brushline.common.llm.ChatSettings;
import io.brushline.common.messages.Category;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Prints how every engine scores on the same rows of a labelled instruction file, side by side, then
 * each engine's full report. Usage: {@code EvaluateCommand [file.tsv] [--split test|train|all] [--misses]}.
 * The default file is the shared public set, scored on its test split (the learned engine trains on
 * the rest); other files are scored whole. The language-model engine joins when
 * {@code BRUSHLINE_CLASSIFIER_LLM_BASE_URL} is set (with {@code ..._MODEL} and {@code ..._API_KEY}).
 */
public final class EvaluateCommand {

    static final String DEFAULT_TSV = "../shared/data/instructions/public-instructions.tsv";

    private EvaluateCommand() {
    }

    public static void main(String[] args) throws IOException {
        Path tsv = Path.of(DEFAULT_TSV);
        String split = null;
        boolean misses = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--misses")) {
                misses = true;
            } else if (args[i].equals("--split") && i + 1 < args.length) {
                split = args[++i];
            } else {
                tsv = Path.of(args[i]);
            }
        }
        if (!Files.isReadable(tsv)) {
            System.err.println("cannot read " + tsv);
            System.exit(2);
        }
        if (split == null) {
            split = tsv.getFileName().toString().equals("public-instructions.tsv") ? "test" : "all";
        }
        Predicate<String> rows = switch (split) {
            case "test" -> PublicSplit::isTest;
            case "train" -> id -> !PublicSplit.isTest(id);
            case "all" -> id -> true;
            default -> throw new IllegalArgumentException("--split must be test, train or all");
        };
        Map<String, Evaluation> results = new LinkedHashMap<>();
        for (Map.Entry<String, InstructionEngine> engine : engines().entrySet()) {
            results.put(engine.getKey(), Evaluation.run(tsv, engine.getValue(), rows));
        }
        System.out.println("file: " + tsv + " (" + split + " rows)");
        System.out.print(sideBySide(results));
        for (Map.Entry<String, Evaluation> r : results.entrySet()) {
            System.out.println();
            System.out.println("== " + r.getKey());
            System.out.print(r.getValue().report());
            if (misses) {
                r.getValue().categoryMisses().forEach(m -> System.out.println("CATEGORY " + m.expected() + " -> "
                        + m.actual() + " | " + m.instruction() + " | " + m.actualObject()));
                r.getValue().objectMisses().forEach(m -> System.out.println(
                        "OBJECT " + m.expectedObject() + " -> " + m.actualObject() + " | " + m.instruction()));
            }
        }
    }

    private static Map<String, InstructionEngine> engines() {
        RuleBasedInstructionEngine rules = new RuleBasedInstructionEngine();
        Map<String, InstructionEngine> engines = new LinkedHashMap<>();
        engines.put("rules", rules);
        engines.put("learned", InstructionEngineProducer.learned(rules));
        String baseUrl = System.getenv("BRUSHLINE_CLASSIFIER_LLM_BASE_URL");
        if (baseUrl != null && !baseUrl.isBlank()) {
            String model = Optional.ofNullable(System.getenv("BRUSHLINE_CLASSIFIER_LLM_MODEL")).orElse("gpt-4o-mini");
            ChatSettings chat = new ChatSettings(URI.create(baseUrl), model,
                    Optional.ofNullable(System.getenv("BRUSHLINE_CLASSIFIER_LLM_API_KEY")), Duration.ofSeconds(20), 3,
                    Duration.ofMillis(500));
            engines.put("llm", new LlmInstructionEngine(new LlmSettings(chat, false), rules));
        } else {
            System.out.println("llm: left out (set BRUSHLINE_CLASSIFIER_LLM_BASE_URL to include it)");
        }
        return engines;
    }

    static String sideBySide(Map<String, Evaluation> results) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-22s", "engine"));
        results.keySet().forEach(name -> sb.append(String.format(Locale.ROOT, "%10s", name)));
        sb.append(System.lineSeparator());
        row(sb, "accuracy", results, Evaluation::accuracy);
        for (Category c : Category.values()) {
            row(sb, "recall " + c, results, e -> e.recall().getOrDefault(c, 0.0));
        }
        row(sb, "object, same head", results, Evaluation::headMatchRate);
        row(sb, "object, containment", results, Evaluation::objectMatchRate);
        return sb.toString();
    }

    private static void row(StringBuilder sb, String label, Map<String, Evaluation> results,
            java.util.function.ToDoubleFunction<Evaluation> figure) {
        sb.append(String.format(Locale.ROOT, "%-22s", label));
        results.values().forEach(e -> sb.append(String.format(Locale.ROOT, "%9.2f%%", 100 * figure.applyAsDouble(e))));
        sb.append(System.lineSeparator());
    }
}
