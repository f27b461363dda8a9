package io.brushline.classifier.cli;

import io.brushline.classifier.InstructionEngine;
import io.brushline.classifier.config.InstructionEngineProducer;
import io.brushline.classifier.learned.LabelledInstruction;
import io.brushline.classifier.learned.PrecomputedTraining;
import io.brushline.classifier.learned.TrainingSet;
import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import io.brushline.common.stage.StageFailure;
import io.brushline.embedding.SentenceEmbedder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints what the learned engine costs: resident memory before and after loading it, start-up time
 * (with the build's precomputed training, and for comparison without it), and the time per instruction (rules and learned, same instructions, one thread).
 * Usage: {@code BenchmarkCommand file.tsv [rounds]}; run it pinned to one core (taskset -c 0).
 */
public final class BenchmarkCommand {

    private static final int WARM_UP_ROUNDS = 5;

    private BenchmarkCommand() {
    }

    public static void main(String[] args) throws IOException {
        List<String> instructions = new ArrayList<>();
        List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        lines.subList(1, lines.size()).forEach(l -> instructions.add(l.split("\t", -1)[2]));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;

        RuleBasedInstructionEngine rules = new RuleBasedInstructionEngine();
        time(rules, instructions, 1);
        System.gc();
        long rssBefore = rssKb();
        long start = System.nanoTime();
        SentenceEmbedder embedder = SentenceEmbedder.load(1);
        double loadS = (System.nanoTime() - start) / 1e9;
        System.gc();
        long rssModel = rssKb();
        start = System.nanoTime();
        InstructionEngine learned = InstructionEngineProducer.learned(embedder, rules);
        double readS = (System.nanoTime() - start) / 1e9;
        System.gc();
        long rssTrained = rssKb();
        System.out.printf(Locale.ROOT, "start-up: model loaded in %.2f s, examples read with their precomputed vectors"
                + " and category model (checked against the inputs' hash) in %.2f s%n", loadS, readS);
        System.out.printf(Locale.ROOT, "RSS: %d MB before, %d MB with the model loaded (+%d MB), %d MB ready to answer (+%d MB)%n",
                rssBefore / 1024, rssModel / 1024, (rssModel - rssBefore) / 1024, rssTrained / 1024,
                (rssTrained - rssBefore) / 1024);
        // Warm up as a running service is: with the training no longer embedded at start-up, one
        // round over the file leaves the embedding's Java side half compiled and the figures high.
        time(learned, instructions, WARM_UP_ROUNDS);
        report("rules", time(rules, instructions, rounds));
        report("learned", time(learned, instructions, rounds));
        InstructionEngine embeddingOnly = (instruction, size) -> {
            embedder.embed(instruction);
            return null;
        };
        report("of which embedding", time(embeddingOnly, instructions, rounds));
        start = System.nanoTime();
        List<LabelledInstruction> examples = TrainingSet.bundled();
        PrecomputedTraining.train(embedder, examples);
        System.out.printf(Locale.ROOT, "without the precomputed file: %d examples embedded and trained on in %.1f s%n",
                examples.size(), (System.nanoTime() - start) / 1e9);
    }

    /** Wall-clock and CPU milliseconds of each call (OnnxRuntime with one thread computes on the caller's). */
    private static double[][] time(InstructionEngine engine, List<String> instructions, int rounds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] wall = new double[instructions.size() * rounds];
        double[] cpu = new double[wall.length];
        int k = 0;
        for (int r = 0; r < rounds; r++) {
            for (String instruction : instructions) {
                long t = System.nanoTime();
                long c = threads.getCurrentThreadCpuTime();
                try {
                    engine.understand(instruction, null);
                } catch (StageFailure rejected) {
                    // unreadable rows cost time too
                }
                cpu[k] = (threads.getCurrentThreadCpuTime() - c) / 1e6;
                wall[k++] = (System.nanoTime() - t) / 1e6;
            }
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        return new double[][] {wall, cpu};
    }

    private static void report(String name, double[][] ms) {
        String[] kinds = {"wall", "cpu"};
        for (int i = 0; i < 2; i++) {
            double[] m = ms[i];
            System.out.printf(Locale.ROOT, "%-18s %-4s per instruction: mean %.2f ms, p50 %.2f ms, p95 %.2f ms (%d calls)%n",
                    name, kinds[i], Arrays.stream(m).average().orElse(0), m[m.length / 2], m[(int) (m.length * 0.95)],
                    m.length);
        }
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
