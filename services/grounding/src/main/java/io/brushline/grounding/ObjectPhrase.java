package io.brushline.grounding;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** What an object phrase says beyond its noun: whether every instance is meant, and its bare text. */
public final class ObjectPhrase {

    /** Words that ask for every instance. */
    static final Set<String> ALL_WORDS = Set.of("all", "every", "each", "both", "several", "many", "two", "three",
            "four", "five");

    private static final Set<String> DETERMINERS = Set.of("the", "a", "an", "this", "that", "these", "those",
            "my", "his", "her", "their", "its", "our", "your", "all", "every", "each", "both", "some");

    /** Plurals that do not end in s, with their singulars. */
    static final Map<String, String> IRREGULAR_PLURALS = Map.of(
            "people", "person", "men", "man", "women", "woman", "children", "child", "mice", "mouse",
            "knives", "knife", "geese", "goose", "oxen", "ox", "cattle", "cow");

    private ObjectPhrase() {
    }

    /** "all the dogs", "both cats", "people": every instance; "the dog", "glass": only the best one. */
    public static boolean asksForAll(String phrase) {
        List<String> words = words(phrase);
        if (words.isEmpty()) {
            return false;
        }
        if (words.stream().anyMatch(ALL_WORDS::contains)) {
            return true;
        }
        String last = words.get(words.size() - 1);
        return IRREGULAR_PLURALS.containsKey(last) || (last.endsWith("s") && !last.endsWith("ss") && last.length() > 3);
    }

    /** The phrase without leading determiners and quantifiers: "all the red cars" -> "red cars". */
    public static String withoutDeterminers(String phrase) {
        List<String> words = words(phrase);
        int start = 0;
        while (start < words.size() - 1 && DETERMINERS.contains(words.get(start))) {
            start++;
        }
        return words.subList(start, words.size()).stream().collect(Collectors.joining(" "));
    }

    static List<String> words(String phrase) {
        String cleaned = phrase == null ? "" : phrase.toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", " ").trim();
        return cleaned.isEmpty() ? List.of() : Arrays.asList(cleaned.split("\\s+"));
    }
}
