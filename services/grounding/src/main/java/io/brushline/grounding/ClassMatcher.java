package io.brushline.grounding;

import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import io.brushline.embedding.SentenceEmbedder;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Maps an object phrase to one of the offline detector's 80 COCO classes: by name where the phrase
 * names a class ("dogs", "tennis racket"), otherwise by meaning, comparing the all-MiniLM-L6-v2
 * embedding of "a photo of a [head noun]" with that of each class ("puppy" and "hound" -> dog, "sedan"
 * -> car, "sofa" -> couch). A phrase whose best class is not similar enough, or not clearly better
 * than the runner-up, is refused with {@code unknown_object_class}, naming the nearest classes.
 */
public final class ClassMatcher implements AutoCloseable {

    /** Below this cosine similarity a class is a guess ("butterfly" -> bird 0.63 is refused). */
    static final double MIN_SIMILARITY = 0.64;
    /** The best class must beat the second by this much ("van": car 0.69, truck 0.68 is refused). */
    static final double MIN_MARGIN = 0.04;

    private static final String TEMPLATE = "a photo of a %s";

    private final SentenceEmbedder embedder;
    private final float[][] classVectors;

    public ClassMatcher(SentenceEmbedder embedder) {
        this.embedder = embedder;
        this.classVectors = CocoVocabulary.CLASSES.stream().map(c -> embedder.embed(String.format(TEMPLATE, c)))
                .toArray(float[][]::new);
    }

    /** A class and how similar the phrase's head noun is to it. */
    public record Scored(String className, double similarity) {
    }

    public CocoVocabulary.Query resolve(String phrase) {
        var literal = CocoVocabulary.lookup(phrase);
        if (literal.isPresent()) {
            return literal.get();
        }
        String head = CocoVocabulary.headNoun(phrase);
        if (head.isEmpty()) {
            throw new StageFailure(FailureCodes.UNKNOWN_OBJECT_CLASS, "no object was named to detect");
        }
        List<Scored> nearest = nearest(head, 3);
        Scored best = nearest.get(0);
        if (best.similarity() >= MIN_SIMILARITY && best.similarity() - nearest.get(1).similarity() >= MIN_MARGIN) {
            return new CocoVocabulary.Query(CocoVocabulary.CLASSES.indexOf(best.className()),
                    ObjectPhrase.asksForAll(phrase));
        }
        throw new StageFailure(FailureCodes.UNKNOWN_OBJECT_CLASS, String.format(Locale.ROOT,
                "the offline detector does not know '%s'; the nearest classes it knows are %s (an open-vocabulary "
                        + "detector can be configured with brushline.grounding.detector=owlv2, or give a box or "
                        + "mask hint)", phrase,
                nearest.stream().map(s -> String.format(Locale.ROOT, "%s (%.2f)", s.className(), s.similarity()))
                        .collect(Collectors.joining(", "))));
    }

    /** The {@code k} classes most similar to a head noun, most similar first. */
    public List<Scored> nearest(String headNoun, int k) {
        float[] v = embedder.embed(String.format(TEMPLATE, headNoun));
        return IntStream.range(0, classVectors.length)
                .mapToObj(i -> new Scored(CocoVocabulary.CLASSES.get(i), SentenceEmbedder.similarity(v, classVectors[i])))
                .sorted(Comparator.comparingDouble(Scored::similarity).reversed())
                .limit(k)
                .toList();
    }

    @Override
    public void close() {
        embedder.close();
    }
}
