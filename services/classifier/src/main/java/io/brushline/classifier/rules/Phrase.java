package io.brushline.classifier.rules;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** A noun phrase found in the instruction: words {@code [start, end)} of the text, and how it reads. */
record Phrase(int start, int end, List<String> words, String text) {

    boolean containsAny(Set<String> set) {
        return words.stream().anyMatch(set::contains);
    }

    String head() {
        return words.get(words.size() - 1);
    }

    /**
     * The noun phrase that starts at {@code from} after any determiners and counts: it runs until a
     * preposition, verb-like stop or another determiner, and keeps "of" after a partitive ("cup of coffee").
     */
    static Phrase at(Text t, int from) {
        int i = from;
        while (i < t.size() && isDeterminer(t.get(i))) {
            i++;
        }
        int start = i;
        while (i < t.size()) {
            String w = t.get(i);
            if (w.equals("of") && i > start && Lexicon.PARTITIVES.contains(t.get(i - 1))
                    && !Lexicon.IMAGE_WORDS.contains(t.get(i + 1)) && !Lexicon.IMAGE_WORDS.contains(t.get(i + 2))) {
                i++;
                while (i < t.size() && isDeterminer(t.get(i)) && !t.get(i).equals("of")) {
                    i++;
                }
                continue;
            }
            boolean compound = w.equals("can") && i > start && Lexicon.CAN_COMPOUNDS.contains(t.get(i - 1));
            if (!compound && (Lexicon.PHRASE_STOPS.contains(w) || i > start && (isDeterminer(w)
                    || isVerbAfterNoun(w) || isParticipleAfterNoun(t, i)))) {
                break;
            }
            i++;
        }
        return new Phrase(start, i, t.words.subList(start, i), t.join(start, i));
    }

    /**
     * The first phrase at or after {@code from} (and before {@code to}) whose words pass {@code accept};
     * stops, determiners and words {@code skip} rejects are stepped over.
     */
    static Phrase first(Text t, int from, int to, Predicate<Integer> skip, Predicate<Phrase> accept) {
        int i = Math.max(0, from);
        while (i < Math.min(to, t.size())) {
            String w = t.get(i);
            boolean afterDeterminer = i > 0 && isDeterminer(t.get(i - 1)) && !t.get(i - 1).equals("of");
            if (Lexicon.PHRASE_STOPS.contains(w) || isDeterminer(w) || (!afterDeterminer && skip.test(i))) {
                i++;
                continue;
            }
            Phrase p = at(t, i);
            if (p.words.isEmpty()) {
                i++;
                continue;
            }
            if (accept.test(p)) {
                return p;
            }
            i = p.end;
        }
        return null;
    }

    static boolean isDeterminer(String w) {
        // non-empty: past the end Text yields "", which must not count as a (numeric) determiner
        return Lexicon.DETERMINERS.contains(w) || !w.isEmpty() && w.chars().allMatch(Character::isDigit);
    }

    /**
     * "the bicycle leaning on the wall", "the woman walking past", "the umbrella held by the girl": a
     * participle after the noun starts a clause about it.
     */
    private static boolean isParticipleAfterNoun(Text t, int i) {
        String w = t.get(i);
        boolean presentParticiple = w.endsWith("ing") && w.length() > 4 && !Lexicon.ING_NOUNS.contains(w);
        boolean pastParticiple = (w.endsWith("ed") || w.endsWith("en") || PAST_PARTICIPLES.contains(w))
                && t.get(i + 1).equals("by");
        return presentParticiple || pastParticiple;
    }

    private static final Set<String> PAST_PARTICIPLES = Set.of("held", "worn", "hung", "left", "made", "built",
            "caught", "kept", "led", "thrown", "drawn", "ridden", "sold", "shot", "struck", "brought", "put", "set");

    /** Verbs that follow their subject in passive or predicate forms ("the cat must go"). */
    private static boolean isVerbAfterNoun(String w) {
        String lemma = Text.lemma(w);
        return !lemma.equals(w) && (Lexicon.REMOVE_VERBS.contains(lemma) || Lexicon.ADD_VERBS.contains(lemma)
                || Lexicon.COLOR_VERBS.contains(lemma));
    }
}
