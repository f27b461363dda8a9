package io.brushline.classifier.learned;

import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.lang.Character.UnicodeScript;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns away instructions no engine can read, with a reason a person understands: nothing left after
 * normalisation, only emoji or symbols, another language (the embedding model reads English only),
 * far too long, or mostly words that are not words.
 */
public final class InstructionCheck {

    /** Long enough for a detailed request; 2,000 characters of noise are not one. */
    public static final int MAX_CHARACTERS = 600;

    /** Common function words of the languages people most often write in instead of English. */
    private static final Map<String, Set<String>> FOREIGN_FUNCTION_WORDS = Map.of(
            "French", Set.of("le", "la", "les", "des", "du", "une", "et", "est", "dans", "sur", "avec", "supprime",
                    "supprimer", "ajoute", "ajouter", "enlève", "enlever", "mets", "fond", "ciel", "chien", "chat"),
            "Spanish", Set.of("el", "los", "las", "del", "una", "y", "es", "en", "con", "quita", "quitar", "elimina",
                    "añade", "agrega", "pon", "fondo", "cielo", "perro", "gato", "por", "favor"),
            "German", Set.of("der", "die", "das", "und", "ist", "ein", "eine", "mit", "auf", "entferne", "füge",
                    "hinzu", "mach", "mache", "hintergrund", "himmel", "hund", "katze", "bitte", "den", "dem"),
            "Italian", Set.of("il", "lo", "gli", "della", "delle", "una", "e", "è", "con", "rimuovi", "togli",
                    "aggiungi", "sfondo", "cielo", "cane", "gatto", "per", "favore"),
            "Portuguese", Set.of("o", "os", "as", "um", "uma", "do", "da", "dos", "das", "e", "com", "remova",
                    "remover", "adicione", "tire", "fundo", "céu", "cachorro", "gato", "por", "favor"),
            "Dutch", Set.of("de", "het", "een", "en", "van", "met", "op", "verwijder", "voeg", "toe", "maak",
                    "achtergrond", "lucht", "hond", "kat", "alsjeblieft"));

    private static final Set<String> ENGLISH_FUNCTION_WORDS = Set.of("the", "a", "an", "and", "of", "to", "in",
            "on", "with", "it", "is", "this", "that", "please", "from", "make", "remove", "add", "change", "into",
            "be", "should", "more", "less", "turn", "put", "me", "my", "her", "his", "him", "them");

    private InstructionCheck() {
    }

    /**
     * @param wordPieces for each word, how many pieces the embedding model's vocabulary splits it into
     *     (1: whole; rare words 2, typos and noise more); asked once, for all the words
     * @throws StageFailure with {@link FailureCodes#INVALID_INSTRUCTION} and the reason
     */
    public static void check(String instruction, Function<List<String>, int[]> wordPieces) {
        String text = instruction == null ? "" : instruction.strip();
        if (text.length() > MAX_CHARACTERS) {
            throw reject(String.format(Locale.ROOT,
                    "the instruction is %d characters long; please describe the edit in at most %d",
                    text.length(), MAX_CHARACTERS));
        }
        Map<UnicodeScript, Integer> letters = new EnumMap<>(UnicodeScript.class);
        text.codePoints().filter(Character::isLetter)
                .forEach(cp -> letters.merge(UnicodeScript.of(cp), 1, Integer::sum));
        int latin = letters.getOrDefault(UnicodeScript.LATIN, 0);
        int total = letters.values().stream().mapToInt(Integer::intValue).sum();
        if (total == 0) {
            boolean symbols = text.codePoints().anyMatch(cp -> !Character.isWhitespace(cp));
            throw reject(symbols
                    ? "the instruction has no words, only emoji or symbols; please describe the edit in words"
                    : "the instruction is empty; please describe the edit");
        }
        if (latin * 2 < total) {
            UnicodeScript script = letters.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            throw reject("the instruction is written in " + scriptName(script)
                    + " script; only English instructions are understood");
        }
        List<String> words = List.of(text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}' ]", " ").trim().split("\\s+"));
        long english = words.stream().filter(ENGLISH_FUNCTION_WORDS::contains).count();
        String likeliest = null;
        long mostHits = 0;
        for (Map.Entry<String, Set<String>> language : FOREIGN_FUNCTION_WORDS.entrySet()) {
            long hits = words.stream().filter(language.getValue()::contains).count();
            if (hits > mostHits) {
                likeliest = language.getKey();
                mostHits = hits;
            }
        }
        if (mostHits >= 2 && mostHits > 2 * english) {
            throw reject("the instruction looks like " + likeliest + "; only English instructions are understood");
        }
        List<String> longWords = words.stream().filter(w -> w.length() >= 3).toList();
        // A word in two pieces counts half: "redo it as a biro doodle" is three of them and reads, while
        // keyboard noise of five letters and more splits into three pieces and more nine times in ten.
        int halfUnknown = 0;
        if (longWords.size() >= 3) {
            for (int pieces : wordPieces.apply(longWords)) {
                halfUnknown += Math.min(pieces - 1, 2);
            }
        }
        if (longWords.size() >= 3 && halfUnknown * 10 > longWords.size() * 2 * 7) {
            throw reject("the instruction does not read as English words; please describe the edit in plain words");
        }
    }

    private static String scriptName(UnicodeScript script) {
        String name = script.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static StageFailure reject(String reason) {
        return new StageFailure(FailureCodes.INVALID_INSTRUCTION, reason);
    }
}
