package io.brushline.classifier.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An instruction reduced to the words that carry the edit: lower case, contractions expanded,
 * punctuation dropped (commas kept as clause marks), courtesy words around the request removed, and a
 * misspelt leading verb corrected.
 */
public final class Text {

    private static final Map<String, String> CONTRACTIONS = Map.ofEntries(
            Map.entry("there's", "there is"), Map.entry("let's", "let us"), Map.entry("it's", "it is"),
            Map.entry("that's", "that is"), Map.entry("what's", "what is"), Map.entry("i'd", "i would"),
            Map.entry("i'm", "i am"), Map.entry("can't", "can not"), Map.entry("cannot", "can not"),
            Map.entry("don't", "do not"), Map.entry("doesn't", "does not"), Map.entry("won't", "will not"),
            Map.entry("i've", "i have"), Map.entry("we'd", "we would"), Map.entry("you'd", "you would"),
            Map.entry("shouldn't", "should not"), Map.entry("isn't", "is not"), Map.entry("aren't", "are not"),
            Map.entry("there're", "there are"), Map.entry("wanna", "want to"), Map.entry("gonna", "going to"),
            Map.entry("lets", "let us"), Map.entry("i'll", "i will"), Map.entry("we'll", "we will"));

    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("taken", "take"), Map.entry("took", "take"), Map.entry("got", "get"), Map.entry("gotten", "get"),
            Map.entry("thrown", "throw"), Map.entry("threw", "throw"), Map.entry("brought", "bring"),
            Map.entry("laid", "lay"), Map.entry("hung", "hang"), Map.entry("stuck", "stick"), Map.entry("drew", "draw"),
            Map.entry("drawn", "draw"), Map.entry("made", "make"), Map.entry("gave", "give"),
            Map.entry("given", "give"), Map.entry("sat", "sit"), Map.entry("stood", "stand"), Map.entry("lost", "lose"),
            Map.entry("swapped", "swap"), Map.entry("placing", "place"), Map.entry("wiped", "wipe"),
            Map.entry("became", "become"), Map.entry("turned", "turn"));

    /** Courtesy and framing before the request; longest first so that "can you please" goes at once. */
    private static final List<List<String>> LEADING_COURTESY = sortedLongestFirst(List.of(
            "please", "pls", "plz", "kindly", "hey", "hi", "hello", "ok", "okay", "so", "now", "then", "and",
            "also", "just", "can you", "could you", "would you", "will you", "can we", "could we", "would you mind",
            "would it be possible to", "is it possible to", "it is possible to", "i want you to", "i need you to",
            "i would like you to", "i want to", "i would like to", "i need to", "i wish to", "we need to",
            "we should", "we must", "you should", "let us", "help me", "help me to", "try to", "go ahead and",
            "it is time to", "time to", "i would love it if you could", "i would love you to", "could you please",
            "do me a favor and", "do me a favour and", "i am asking you to", "your task is to", "the task is to",
            "you need to", "you must", "we want to", "i would appreciate it if you could", "how about you",
            "why not", "maybe", "perhaps", "quickly", "simply", "first", "make sure to", "be sure to",
            "remember to", "i hope you can", "can u", "could u", "u", "you can", "you could", "let me"));

    private static final List<List<String>> TRAILING_COURTESY = sortedLongestFirst(List.of(
            "please", "pls", "plz", "thanks", "thank you", "thx", "for me", "for me please", "if you can",
            "if possible", "if you could", "?", "!", ",", "now"));

    private static final Set<String> KNOWN_VERBS = union(Lexicon.REMOVE_VERBS, Lexicon.REMOVE_PARTICLE_VERBS,
            Lexicon.ADD_VERBS, Lexicon.ADD_WITH_VERBS, Lexicon.REPLACE_VERBS, Lexicon.CHANGE_VERBS,
            Lexicon.COLOR_VERBS, Lexicon.RESTORE_VERBS, Lexicon.DEGRADATION_VERBS);

    /**
     * Editing verbs no cue list holds, because the operation planner reads them from the raw text
     * ("blur the faces", "pixelate the plate"): real words, so never "corrected" to a cue verb
     * ("blur" is one letter from "blue", "flip" from "slip").
     */
    private static final Set<String> OTHER_EDIT_VERBS = Set.of("blur", "flip", "mirror", "rotate", "crop", "pixelate",
            "censor", "tint", "fade", "soften", "smooth", "zoom", "straighten", "invert");

    /** Words long enough that a one-letter slip cannot make another common word. */
    private static final Set<String> KEY_NOUNS = Set.of("background", "backdrop", "surroundings", "scenery",
            "environment", "watercolor", "painting", "brightness");

    /** Stands for a hyphen inside a compound while the text is cleaned. */
    private static final String HYPHEN = "\u0001";

    final List<String> words;
    /** Whether each word was joined to the one before it by a hyphen. */
    private final List<Boolean> hyphenated;

    private Text(List<String> words, List<Boolean> hyphenated) {
        this.words = words;
        this.hyphenated = hyphenated;
    }

    private static final Pattern QUOTES = Pattern.compile("[\"\u201c\u201d]");
    private static final Pattern CLAUSE_MARKS = Pattern.compile("([,;:?!])");
    private static final Pattern INNER_HYPHEN = Pattern.compile("(?<=[a-z0-9])-(?=[a-z0-9])");
    private static final Pattern SEPARATORS = Pattern.compile("[-/_]");
    private static final Pattern OTHER_CHARACTERS = Pattern.compile("[^a-z0-9', " + HYPHEN + "]");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern OUTER_APOSTROPHES = Pattern.compile("^'+|'+$");

    /**
     * The instruction read once; the learned engine passes the result on rather than having the
     * rules read the same sentence again.
     */
    public static Text parse(String instruction) {
        String s = instruction.toLowerCase(Locale.ROOT)
                .replace('\u2019', '\'').replace('\u2018', '\'').replace('`', '\'');
        s = QUOTES.matcher(s).replaceAll(" ");
        s = CLAUSE_MARKS.matcher(s).replaceAll(" , ");
        s = INNER_HYPHEN.matcher(s).replaceAll(HYPHEN);
        s = SEPARATORS.matcher(s).replaceAll(" ");
        s = OTHER_CHARACTERS.matcher(s).replaceAll(" ");
        List<String> words = new ArrayList<>();
        List<Boolean> hyphenated = new ArrayList<>();
        for (String w : SPACES.split(s.trim())) {
            w = OUTER_APOSTROPHES.matcher(w).replaceAll("");
            if (w.isEmpty()) {
                continue;
            }
            String expanded = CONTRACTIONS.get(w);
            if (expanded != null) {
                w = expanded.replace(' ', HYPHEN.charAt(0));
            }
            String[] parts = w.split(HYPHEN);
            for (int i = 0; i < parts.length; i++) {
                words.add(parts[i]);
                hyphenated.add(i > 0 && expanded == null);
            }
        }
        int[] kept = requestRange(words);
        List<String> request = new ArrayList<>(words.subList(kept[0], kept[1]));
        correctTypos(request);
        return new Text(List.copyOf(request), List.copyOf(hyphenated.subList(kept[0], kept[1])));
    }

    /** All the words as text: what {@link RuleBasedInstructionEngine#normalise} returns. */
    public String normalised() {
        return join(0, size());
    }

    int size() {
        return words.size();
    }

    String get(int i) {
        return i >= 0 && i < words.size() ? words.get(i) : "";
    }

    /** The words {@code [from, to)} as text, hyphenated compounds rejoined ("t-shirt", "snow-covered"). */
    String join(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, from); i < Math.min(to, words.size()); i++) {
            if (sb.length() > 0) {
                sb.append(hyphenated.get(i) ? "-" : " ");
            }
            sb.append(words.get(i));
        }
        return sb.toString();
    }

    /** Index of the first word at or after {@code from} whose base form is in {@code set}, else -1. */
    int indexOfLemma(Set<String> set, int from) {
        for (int i = Math.max(0, from); i < words.size(); i++) {
            if (set.contains(lemma(words.get(i)))) {
                return i;
            }
        }
        return -1;
    }

    int indexOf(String word, int from) {
        for (int i = Math.max(0, from); i < words.size(); i++) {
            if (words.get(i).equals(word)) {
                return i;
            }
        }
        return -1;
    }

    boolean containsAny(Set<String> set) {
        return words.stream().anyMatch(w -> set.contains(w) || set.contains(lemma(w)));
    }

    /** Index where the words of {@code phrase} occur in order and adjacent, else -1. */
    int indexOfPhrase(String phrase) {
        String[] p = phrase.split(" ");
        outer:
        for (int i = 0; i + p.length <= words.size(); i++) {
            for (int j = 0; j < p.length; j++) {
                if (!words.get(i + j).equals(p[j])) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The base form of an inflected verb or plural when it is a known verb ("removing" -> "remove"). */
    static String lemma(String word) {
        if (KNOWN_VERBS.contains(word)) {
            return word;
        }
        String irregular = IRREGULAR.get(word);
        if (irregular != null) {
            return irregular;
        }
        for (String candidate : inflectionCandidates(word)) {
            if (KNOWN_VERBS.contains(candidate)) {
                return candidate;
            }
        }
        return word;
    }

    private static List<String> inflectionCandidates(String w) {
        List<String> out = new ArrayList<>();
        if (w.endsWith("ing") && w.length() > 5) {
            String stem = w.substring(0, w.length() - 3);
            out.add(stem);
            out.add(stem + "e");
            if (stem.length() > 2 && stem.charAt(stem.length() - 1) == stem.charAt(stem.length() - 2)) {
                out.add(stem.substring(0, stem.length() - 1));
            }
        }
        if (w.endsWith("ed") && w.length() > 4) {
            String stem = w.substring(0, w.length() - 2);
            out.add(stem);
            out.add(stem + "e");
            if (stem.endsWith("i")) {
                out.add(stem.substring(0, stem.length() - 1) + "y");
            }
            if (stem.length() > 2 && stem.charAt(stem.length() - 1) == stem.charAt(stem.length() - 2)) {
                out.add(stem.substring(0, stem.length() - 1));
            }
        }
        if (w.endsWith("es") && w.length() > 3) {
            out.add(w.substring(0, w.length() - 2));
        }
        if (w.endsWith("s") && w.length() > 3) {
            out.add(w.substring(0, w.length() - 1));
        }
        return out;
    }

    /** The words between the courtesy phrases at both ends, as {@code [from, to)}. */
    private static int[] requestRange(List<String> words) {
        int from = 0;
        int to = words.size();
        boolean changed = true;
        while (changed && from < to) {
            changed = false;
            for (List<String> prefix : LEADING_COURTESY) {
                if (to - from > prefix.size() && words.subList(from, from + prefix.size()).equals(prefix)) {
                    from += prefix.size();
                    changed = true;
                    break;
                }
            }
            for (List<String> suffix : TRAILING_COURTESY) {
                if (to - from > suffix.size() && words.subList(to - suffix.size(), to).equals(suffix)) {
                    to -= suffix.size();
                    changed = true;
                    break;
                }
            }
        }
        return new int[] {from, to};
    }

    /**
     * Fixes a slip in the leading verb ("remvoe", "repalce") and in long key nouns anywhere. Other
     * words are left alone: short nouns are too often one letter from a verb ("plate", "place").
     */
    private static void correctTypos(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            boolean head = i == 0;
            if ((head && w.length() >= 4 && !isKnown(w)) || (w.length() >= 7 && !isKnown(w))) {
                String fix = nearest(w, head ? KNOWN_VERBS : KEY_NOUNS);
                if (fix != null) {
                    words.set(i, fix);
                }
            }
        }
    }

    private static boolean isKnown(String w) {
        return KNOWN_VERBS.contains(lemma(w)) || OTHER_EDIT_VERBS.contains(lemma(w)) || Lexicon.RELOCATE_VERBS.contains(w)
                || Lexicon.DEGRADATIONS.contains(w) || Lexicon.DETERMINERS.contains(w) || Lexicon.PHRASE_STOPS.contains(w)
                || Lexicon.COLORS.contains(w) || Lexicon.IMAGE_WORDS.contains(w) || KEY_NOUNS.contains(w)
                || w.endsWith("'s") || w.chars().anyMatch(Character::isDigit);
    }

    private static String nearest(String word, Set<String> candidates) {
        int allowed = word.length() >= 8 ? 2 : 1;
        String best = null;
        int bestDistance = allowed + 1;
        for (String c : candidates) {
            if (Math.abs(c.length() - word.length()) > allowed) {
                continue;
            }
            int d = EditDistance.between(word, c);
            if (d < bestDistance || (d == bestDistance && best != null && c.compareTo(best) < 0)) {
                best = c;
                bestDistance = d;
            }
        }
        return bestDistance <= allowed ? best : null;
    }

    private static List<List<String>> sortedLongestFirst(List<String> phrases) {
        List<List<String>> out = new ArrayList<>();
        for (String p : phrases) {
            out.add(List.of(p.split(" ")));
        }
        out.sort((a, b) -> b.size() - a.size());
        return out;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return Set.copyOf(all);
    }
}
