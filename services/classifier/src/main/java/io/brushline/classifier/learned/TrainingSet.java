package io.brushline.classifier.learned;

import io.brushline.common.messages.Category;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The examples the learned engine is trained on, shipped with it: the public file's training split
 * ({@code public-train.tsv}: id, category, instruction) and phrasings written for this project
 * ({@code own-examples.tsv}: category, instruction). Lines starting with {@code #} are comments.
 */
public final class TrainingSet {

    private TrainingSet() {
    }

    /**
     * The public rows are many but templated (one phrasing per category, paraphrased); the written
     * ones are few but varied, so each of them counts this many times as much.
     */
    static final double WRITTEN_EXAMPLE_WEIGHT = 3;

    public static List<LabelledInstruction> bundled() {
        List<LabelledInstruction> all = new ArrayList<>(read("public-train.tsv", 1, 1));
        all.addAll(read("own-examples.tsv", 0, WRITTEN_EXAMPLE_WEIGHT));
        return all;
    }

    static List<LabelledInstruction> read(String resource, int categoryColumn, double weight) {
        List<LabelledInstruction> out = new ArrayList<>();
        try (InputStream in = TrainingSet.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classifier");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                out.add(new LabelledInstruction(f[categoryColumn + 1], Category.valueOf(f[categoryColumn]), weight));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
