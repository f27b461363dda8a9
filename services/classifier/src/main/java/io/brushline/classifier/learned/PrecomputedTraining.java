package io.brushline.classifier.learned;

import io.brushline.common.messages.Category;
import io.brushline.embedding.SentenceEmbedder;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What the learned engine computes from its examples before it can answer: the embedding of every
 * training example (also used to show the nearest ones) and the trained category model. Embedding
 * the ~2,100 examples is the slow part of start-up, so the build computes both once
 * ({@link #main}, run by Maven after the classes are compiled) into the resource
 * {@value #RESOURCE}, and start-up reads them back.
 *
 * <p>The resource carries the {@link #inputsHash hash of its inputs}: the sentence-embedding model's
 * fingerprint, every example as the model sees it (normalised text, category, weight) and the
 * training settings. When any of them changed since the build, the stored result is not used:
 * start-up trains from the examples as before, with a warning, and the next build regenerates it.
 */
public record PrecomputedTraining(String inputsHash, float[][] vectors, SoftmaxRegression model) {

    /** Next to the training files in the classifier's resources. */
    public static final String RESOURCE = "trained-examples.bin";

    private static final Logger LOG = Logger.getLogger(PrecomputedTraining.class);

    private static final int MAGIC = 0x424c5456; // "BLTV"
    private static final int FORMAT = 1;

    private static final Category[] CATEGORIES = Category.values();
    static final int EPOCHS = 400;
    static final double LEARNING_RATE = 2.0;
    static final double L2 = 1e-5;

    /** Embeds the examples (several threads when there are cores) and trains the category model. */
    public static PrecomputedTraining train(SentenceEmbedder embedder, List<LabelledInstruction> examples) {
        float[][] vectors = examples.parallelStream()
                .map(e -> embedder.embed(LearnedInstructionEngine.normalise(e.instruction())))
                .toArray(float[][]::new);
        return new PrecomputedTraining(inputsHash(embedder.fingerprint(), examples), vectors,
                trainModel(vectors, examples));
    }

    static SoftmaxRegression trainModel(float[][] vectors, List<LabelledInstruction> examples) {
        int[] labels = examples.stream().mapToInt(e -> e.category().ordinal()).toArray();
        double[] weights = examples.stream().mapToDouble(LabelledInstruction::weight).toArray();
        return SoftmaxRegression.train(vectors, labels, weights, CATEGORIES.length, EPOCHS, LEARNING_RATE, L2);
    }

    /** The stored result when it was computed from these inputs, otherwise training now. */
    public static PrecomputedTraining loadOrTrain(SentenceEmbedder embedder, List<LabelledInstruction> examples) {
        String expected = inputsHash(embedder.fingerprint(), examples);
        Optional<PrecomputedTraining> stored = bundled();
        if (stored.isPresent() && stored.get().inputsHash().equals(expected)
                && stored.get().vectors().length == examples.size()) {
            return stored.get();
        }
        LOG.warnf("%s is %s; embedding the %d training examples now (slow start-up; rebuild the classifier"
                + " to precompute them)", RESOURCE, stored.isPresent() ? "out of date" : "missing", examples.size());
        return train(embedder, examples);
    }

    /** The resource on the classpath, if the build wrote one. */
    public static Optional<PrecomputedTraining> bundled() {
        try (InputStream in = PrecomputedTraining.class.getResourceAsStream(RESOURCE)) {
            return in == null ? Optional.empty() : Optional.of(read(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * SHA-256 over everything the stored result depends on. The examples enter in the form the model
     * embeds, so a change in normalisation counts as a change of input too.
     */
    public static String inputsHash(String modelFingerprint, List<LabelledInstruction> examples) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            StringBuilder head = new StringBuilder().append("format=").append(FORMAT).append("\nmodel=")
                    .append(modelFingerprint).append("\nepochs=").append(EPOCHS).append(" rate=").append(LEARNING_RATE)
                    .append(" l2=").append(L2).append("\ncategories=").append(List.of(CATEGORIES)).append('\n');
            digest.update(head.toString().getBytes(StandardCharsets.UTF_8));
            for (LabelledInstruction e : examples) {
                String row = e.category() + "\t" + e.weight() + "\t" + LearnedInstructionEngine.normalise(e.instruction())
                        + "\n";
                digest.update(row.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    void write(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        int dimensions = vectors[0].length;
        data.writeInt(MAGIC);
        data.writeInt(FORMAT);
        data.writeUTF(inputsHash);
        data.writeInt(vectors.length);
        data.writeInt(dimensions);
        data.writeInt(model.bias().length);
        for (float[] v : vectors) {
            for (float x : v) {
                data.writeFloat(x);
            }
        }
        for (double[] row : model.weights()) {
            for (double x : row) {
                data.writeDouble(x);
            }
        }
        for (double x : model.bias()) {
            data.writeDouble(x);
        }
        data.flush();
    }

    static PrecomputedTraining read(byte[] bytes) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt() != MAGIC || in.getInt() != FORMAT) {
            throw new IOException(RESOURCE + " is not a precomputed training file of format " + FORMAT);
        }
        byte[] hash = new byte[in.getShort() & 0xffff];
        in.get(hash);
        int n = in.getInt();
        int dimensions = in.getInt();
        int classes = in.getInt();
        float[][] vectors = new float[n][dimensions];
        for (float[] v : vectors) {
            in.asFloatBuffer().get(v);
            in.position(in.position() + dimensions * Float.BYTES);
        }
        double[][] weights = new double[classes][dimensions];
        for (double[] row : weights) {
            in.asDoubleBuffer().get(row);
            in.position(in.position() + dimensions * Double.BYTES);
        }
        double[] bias = new double[classes];
        in.asDoubleBuffer().get(bias);
        return new PrecomputedTraining(new String(hash, StandardCharsets.UTF_8), vectors,
                SoftmaxRegression.of(weights, bias));
    }

    /**
     * Writes the resource for the bundled examples into {@code args[0]} (the build's classes folder),
     * unless the file there was already computed from the same inputs.
     */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0], PrecomputedTraining.class.getPackageName().replace('.', '/'), RESOURCE);
        List<LabelledInstruction> examples = TrainingSet.bundled();
        String hash = inputsHash(SentenceEmbedder.bundledFingerprint(), examples);
        if (Files.isReadable(target) && read(Files.readAllBytes(target)).inputsHash().equals(hash)) {
            System.out.println(target + " is up to date");
            return;
        }
        long start = System.nanoTime();
        PrecomputedTraining trained;
        try (SentenceEmbedder embedder = SentenceEmbedder.load(1)) {
            trained = train(embedder, examples);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        trained.write(bytes);
        Files.createDirectories(target.getParent());
        Files.write(target, bytes.toByteArray());
        System.out.printf("%s: %d examples embedded and trained on in %.1f s%n", target, examples.size(),
                (System.nanoTime() - start) / 1e9);
    }
}
