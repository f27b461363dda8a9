package io.brushline.grounding;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The 80 COCO classes the offline detector knows, in its output order. Finds a class named literally
 * in an object phrase ("the red car", "tennis rackets"), and tells whether the phrase asks for every
 * instance ("all the cars", "dogs"). Other words ("puppy", "lorry") are matched by meaning in
 * {@link ClassMatcher}.
 */
public final class CocoVocabulary {

    /** Readable names, in the order of YOLOX's class outputs (the standard COCO-80 order). */
    public static final List<String> CLASSES = List.of(
            "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
            "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
            "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
            "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
            "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
            "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
            "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant",
            "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
            "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
            "teddy bear", "hair drier", "toothbrush");

    /** Words that end the object's head noun phrase: "dog on the bench" is about the dog. */
    private static final Set<String> PREPOSITIONS = Set.of("on", "in", "at", "with", "near", "next", "by",
            "under", "behind", "beside", "besides", "above", "below", "over", "from", "of", "inside", "to",
            "holding", "wearing", "that", "which", "who");

    private CocoVocabulary() {
    }

    /** What a phrase asks the detector for: a class and whether all its instances are meant. */
    public record Query(int classIndex, boolean allInstances) {

        public String className() {
            return CLASSES.get(classIndex);
        }
    }

    /**
     * The COCO class a phrase names literally, looking only at the words before the first preposition and
     * preferring the longest, right-most match (the head noun): "the running dog" and "dog on the
     * bench" are dogs, "tennis rackets" is the tennis racket class, and "the object on the bed" names
     * no class (it is not the bed).
     */
    public static Optional<Query> lookup(String phrase) {
        List<String> words = ObjectPhrase.words(phrase);
        boolean allWords = words.stream().anyMatch(ObjectPhrase.ALL_WORDS::contains);
        int cut = 0;
        while (cut < words.size() && !PREPOSITIONS.contains(words.get(cut))) {
            cut++;
        }
        return lookupIn(words.subList(0, cut), allWords);
    }

    /** The last word before the first preposition: "the big hound on the sofa" -> "hound". */
    static String headNoun(String phrase) {
        List<String> words = ObjectPhrase.words(phrase);
        int cut = 0;
        while (cut < words.size() && !PREPOSITIONS.contains(words.get(cut))) {
            cut++;
        }
        return cut == 0 ? "" : words.get(cut - 1);
    }

    private static Optional<Query> lookupIn(List<String> words, boolean allWords) {
        for (int end = words.size(); end > 0; end--) {
            for (int length = Math.min(3, end); length >= 1; length--) {
                List<String> gram = new ArrayList<>(words.subList(end - length, end));
                String last = gram.get(gram.size() - 1);
                for (String singular : singularForms(last)) {
                    gram.set(gram.size() - 1, singular);
                    String name = String.join(" ", gram);
                    if (CLASSES.contains(name)) {
                        boolean plural = !singular.equals(last) || ObjectPhrase.IRREGULAR_PLURALS.containsKey(last);
                        return Optional.of(new Query(CLASSES.indexOf(name), allWords || plural));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The word itself first, then what it would be if it were a regular or irregular plural. */
    private static List<String> singularForms(String word) {
        List<String> forms = new ArrayList<>(List.of(word));
        if (ObjectPhrase.IRREGULAR_PLURALS.containsKey(word)) {
            forms.add(ObjectPhrase.IRREGULAR_PLURALS.get(word));
        }
        if (word.endsWith("ies")) {
            forms.add(word.substring(0, word.length() - 3) + "y");
        }
        if (word.endsWith("ves")) {
            forms.add(word.substring(0, word.length() - 3) + "f");
            forms.add(word.substring(0, word.length() - 3) + "fe");
        }
        if (word.endsWith("es")) {
            forms.add(word.substring(0, word.length() - 2));
        }
        if (word.endsWith("s") && !word.endsWith("ss")) {
            forms.add(word.substring(0, word.length() - 1));
        }
        return forms;
    }

    /** A few class names, for messages that say what the detector does know. */
    public static String examples() {
        return String.join(", ", CLASSES.subList(0, 24)) + ", ...";
    }
}
