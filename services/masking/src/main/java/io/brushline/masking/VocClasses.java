package io.brushline.masking;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The 20 PASCAL VOC classes DeepLabV3 segments, by the names a detector label or an object phrase
 * may use (COCO names such as "couch" and "tv" included).
 */
final class VocClasses {

    private static final Map<String, Integer> INDEX = Map.ofEntries(
            Map.entry("aeroplane", 1), Map.entry("airplane", 1), Map.entry("plane", 1),
            Map.entry("bicycle", 2), Map.entry("bike", 2),
            Map.entry("bird", 3),
            Map.entry("boat", 4), Map.entry("ship", 4),
            Map.entry("bottle", 5),
            Map.entry("bus", 6),
            Map.entry("car", 7),
            Map.entry("cat", 8), Map.entry("kitten", 8),
            Map.entry("chair", 9),
            Map.entry("cow", 10),
            Map.entry("diningtable", 11), Map.entry("dining table", 11), Map.entry("table", 11),
            Map.entry("dog", 12), Map.entry("puppy", 12),
            Map.entry("horse", 13),
            Map.entry("motorbike", 14), Map.entry("motorcycle", 14),
            Map.entry("person", 15), Map.entry("people", 15), Map.entry("man", 15), Map.entry("woman", 15),
            Map.entry("boy", 15), Map.entry("girl", 15), Map.entry("child", 15),
            Map.entry("pottedplant", 16), Map.entry("potted plant", 16), Map.entry("plant", 16),
            Map.entry("sheep", 17),
            Map.entry("sofa", 18), Map.entry("couch", 18),
            Map.entry("train", 19),
            Map.entry("tvmonitor", 20), Map.entry("tv", 20), Map.entry("television", 20), Map.entry("monitor", 20));

    private VocClasses() {
    }

    /** The VOC class index (1..20) of a label or phrase, by the whole text or else by its last known word. */
    static OptionalInt of(String label) {
        if (label == null) {
            return OptionalInt.empty();
        }
        String text = label.toLowerCase(Locale.ROOT).trim();
        Integer whole = INDEX.get(text);
        if (whole != null) {
            return OptionalInt.of(whole);
        }
        String[] words = text.split("[^a-z]+");
        for (int i = words.length - 1; i >= 0; i--) {
            Integer index = INDEX.get(words[i]);
            if (index == null && words[i].endsWith("s")) {
                index = INDEX.get(words[i].substring(0, words[i].length() - 1));
            }
            if (index != null) {
                return OptionalInt.of(index);
            }
        }
        return OptionalInt.empty();
    }
}
