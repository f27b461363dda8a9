package io.brushline.inpainting.diffusion;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * CLIP's tokenizer and text encoder: prompts become token ids (start and end tokens added, cut to 77
 * with the end token kept last, padded with the end token as Stable Diffusion's tokenizer pads) and
 * then the encoder's last hidden state, {@code [N, 77, D]}.
 */
public final class TextEncoder implements AutoCloseable {

    static final int LENGTH = 77;
    private static final String END_TOKEN = "<|endoftext|>";

    private final HuggingFaceTokenizer tokenizer;
    private final TorchScriptModule encoder;
    private final long endId;

    public TextEncoder(Path modelDir, ModelDevice device) {
        try {
            // Truncation keeps the end token last; padding is done here, with the end token.
            this.tokenizer = HuggingFaceTokenizer.newInstance(modelDir.resolve("tokenizer.json"),
                    Map.of("truncation", "true", "maxLength", String.valueOf(LENGTH), "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelDir.resolve("tokenizer.json"), e);
        }
        this.encoder = TorchScriptModule.load(modelDir, "text_encoder", device);
        this.endId = tokenizer.encode(END_TOKEN, false, false).getIds()[0];
    }

    long[] tokenIds(String prompt) {
        long[] ids = tokenizer.encode(prompt == null ? "" : prompt).getIds();
        long[] padded = new long[LENGTH];
        Arrays.fill(padded, endId);
        System.arraycopy(ids, 0, padded, 0, ids.length);
        return padded;
    }

    /** The embeddings of the prompts, in order, on {@code manager}. */
    public NDArray encode(NDManager manager, List<String> prompts) {
        long[] ids = new long[prompts.size() * LENGTH];
        for (int i = 0; i < prompts.size(); i++) {
            System.arraycopy(tokenIds(prompts.get(i)), 0, ids, i * LENGTH, LENGTH);
        }
        NDArray input = manager.create(ids, new Shape(prompts.size(), LENGTH));
        return encoder.forward(new NDList(input)).head();
    }

    @Override
    public void close() {
        encoder.close();
        tokenizer.close();
    }
}
