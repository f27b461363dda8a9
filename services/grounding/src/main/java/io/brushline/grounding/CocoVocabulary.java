package io.brushline.grounding;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The 80 COCO classes the offline detector knows, in its output order, and the words people use for
 * them ("puppy" means dog, "people" means person). Turns an object phrase from an instruction into a
 * class index, and tells whether the phrase asks for every instance ("all the people", "dogs").
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

    private static final Map<String, String> SYNONYMS = synonyms();

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
     * The COCO class a phrase names, looking only at the words before the first preposition and
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

    private static Optional<Query> lookupIn(List<String> words, boolean allWords) {
        for (int end = words.size(); end > 0; end--) {
            for (int length = Math.min(3, end); length >= 1; length--) {
                List<String> gram = new ArrayList<>(words.subList(end - length, end));
                String last = gram.get(gram.size() - 1);
                for (String singular : singularForms(last)) {
                    gram.set(gram.size() - 1, singular);
                    String name = SYNONYMS.get(String.join(" ", gram));
                    if (name != null) {
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

    private static Map<String, String> synonyms() {
        Map<String, String> map = new HashMap<>();
        for (String name : CLASSES) {
            map.put(name, name);
        }
        alias(map, "person", "man", "woman", "girl", "boy", "child", "kid", "guy", "lady", "gentleman", "baby",
                "toddler", "human", "pedestrian", "player", "skier", "surfer", "rider", "tourist", "someone",
                "somebody", "people", "figure", "athlete", "worker", "photographer");
        alias(map, "bicycle", "bike", "cycle");
        alias(map, "car", "automobile", "sedan", "taxi", "cab", "suv", "jeep", "hatchback", "convertible",
                "racecar", "race car", "sports car");
        alias(map, "motorcycle", "motorbike", "scooter", "moped");
        alias(map, "airplane", "plane", "aeroplane", "jet", "aircraft", "airliner");
        alias(map, "bus", "coach", "minibus");
        alias(map, "train", "locomotive", "tram", "railcar");
        alias(map, "truck", "lorry", "pickup", "pickup truck", "van", "firetruck", "fire truck");
        alias(map, "boat", "ship", "sailboat", "yacht", "canoe", "kayak", "ferry", "rowboat", "dinghy");
        alias(map, "traffic light", "stoplight", "traffic signal");
        alias(map, "fire hydrant", "hydrant");
        alias(map, "bird", "duck", "pigeon", "seagull", "gull", "parrot", "sparrow", "goose", "swan", "eagle",
                "owl", "hen", "chicken", "crow", "penguin", "flamingo");
        alias(map, "cat", "kitten", "kitty", "tabby");
        alias(map, "dog", "puppy", "pup", "doggy", "doggie", "hound", "corgi", "retriever", "terrier",
                "poodle", "labrador", "husky", "bulldog", "beagle", "shepherd");
        alias(map, "horse", "pony", "foal", "stallion", "mare");
        alias(map, "sheep", "lamb", "ram");
        alias(map, "cow", "bull", "calf", "ox", "cattle");
        alias(map, "bear", "grizzly", "polar bear");
        alias(map, "backpack", "rucksack", "knapsack");
        alias(map, "umbrella", "parasol");
        alias(map, "handbag", "purse", "tote");
        alias(map, "tie", "necktie", "bowtie");
        alias(map, "suitcase", "luggage", "trolley case");
        alias(map, "skis", "ski");
        alias(map, "sports ball", "ball", "football", "soccer ball", "basketball", "tennis ball", "volleyball");
        alias(map, "baseball bat", "bat");
        alias(map, "baseball glove", "glove", "mitt");
        alias(map, "tennis racket", "racket", "racquet", "tennis racquet");
        alias(map, "wine glass", "glass", "wineglass", "goblet");
        alias(map, "cup", "mug", "teacup");
        alias(map, "sandwich", "burger", "hamburger", "sub");
        alias(map, "hot dog", "hotdog");
        alias(map, "donut", "doughnut");
        alias(map, "cake", "cupcake", "birthday cake");
        alias(map, "chair", "armchair", "stool", "seat");
        alias(map, "couch", "sofa", "settee", "loveseat");
        alias(map, "potted plant", "plant", "houseplant", "flowerpot", "flower pot", "pot plant", "pottedplant");
        alias(map, "dining table", "table", "desk", "diningtable");
        alias(map, "tv", "television", "monitor", "screen", "tvmonitor");
        alias(map, "laptop", "notebook", "computer");
        alias(map, "remote", "remote control", "controller");
        alias(map, "cell phone", "phone", "smartphone", "cellphone", "mobile phone", "mobile", "iphone");
        alias(map, "refrigerator", "fridge");
        alias(map, "book", "novel", "magazine");
        alias(map, "clock", "watch");
        alias(map, "teddy bear", "stuffed animal", "plush toy", "teddybear");
        alias(map, "hair drier", "hair dryer", "hairdryer", "blow dryer");
        alias(map, "toothbrush", "tooth brush");
        return Map.copyOf(map);
    }

    private static void alias(Map<String, String> map, String name, String... words) {
        for (String word : words) {
            map.put(word, name);
        }
    }
}
