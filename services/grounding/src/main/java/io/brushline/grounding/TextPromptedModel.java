package io.brushline.grounding;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A TorchScript open-vocabulary detector with its tokenizer, as the export scripts write them; loaded
 * once, with an error that names the script to run when a file is missing.
 */
record TextPromptedModel(ZooModel<NDList, NDList> model, HuggingFaceTokenizer tokenizer) {

    /**
     * @param name the model's name in messages ("OWLv2")
     * @param exportScript the script under tools/export that makes the files
     */
    static TextPromptedModel load(String name, Path modelFile, Path tokenizerFile, String exportScript) {
        for (Path file : List.of(modelFile, tokenizerFile)) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException(name + " file not found at " + file.toAbsolutePath()
                        + " (make it with tools/export/" + exportScript + ", see tools/export/README.md)");
            }
        }
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile);
            ZooModel<NDList, NDList> model = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(modelFile)
                    .optEngine("PyTorch")
                    .optTranslator(new NoopTranslator())
                    .build()
                    .loadModel();
            return new TextPromptedModel(model, tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + name + " files", e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("cannot load the " + name + " model " + modelFile + ": " + e.getMessage(),
                    e);
        }
    }
}
