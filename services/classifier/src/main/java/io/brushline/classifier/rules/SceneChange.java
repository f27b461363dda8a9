package io.brushline.classifier.rules;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sentences that change the scene around a subject without naming the background: the subject taken
 * somewhere else ("move the dog to a beach", "drop him into a diner"), shown in a scene ("make it look
 * as if the car is parked in a desert"), what is behind it replaced ("swap whatever is behind her for
 * a library", "put a forest behind the house"), the rest of the picture blurred ("keep the horse
 * sharp and blur the rest"), or the subject cut out onto transparency or a plain colour. Each rule
 * reads the normalised text ({@link Text#normalised()}) and names itself when it applies.
 */
public final class SceneChange {

    private SceneChange() {
    }

    /**
     * Places a subject can be taken to or shown in: the rules' scene words and scene heads, a few more
     * places, but not the sky or the moon ("the bird should be in the sky", "add a moon behind the
     * buildings" are additions) nor "plain" ("on a plain white plate"). Plurals are folded.
     */
    static final Set<String> SCENE_WORDS = sceneWords();

    private static Set<String> sceneWords() {
        Set<String> words = new HashSet<>(Lexicon.SCENE_NOUNS);
        words.addAll(Lexicon.SCENE_HEADS);
        words.addAll(Set.of("lakeside", "riverbank", "mountaintop", "hill", "woodland", "restaurant", "bar", "pub",
                "diner", "arena", "platform", "station", "airport", "slope", "vineyard", "location", "harbour",
                "lagoon", "bay", "cove", "alps", "pyramid", "temple", "cathedral", "church", "track", "circuit",
                "graveyard", "cemetery", "hotel", "lobby", "hall", "courtyard", "plaza", "square", "pier", "dock",
                "marina", "moor", "orchard", "marsh", "dune", "reef", "outdoors", "indoors", "patio", "terrace",
                "balcony", "rooftop", "veranda", "coastline", "cafe"));
        words.removeAll(Set.of("sky", "moon", "plain", "plains", "backdrop"));
        return Set.copyOf(words);
    }

    /** What an indefinite phrase after "in" or "on" can be without being a place: "in a darker shade". */
    private static final Set<String> MANNER_WORDS = Set.of("colour", "color", "shade", "tone", "hue", "font",
            "style", "way", "manner", "position", "pose", "size", "angle", "row", "line", "circle", "pile", "group",
            "corner", "bit", "little", "lot", "different", "new", "darker", "lighter", "brighter");

    /** Words for the picture itself, which a sentence may "transport" without moving a subject. */
    private static final Set<String> PICTURE_WORDS = Set.of("it", "image", "picture", "photo", "photograph", "pic",
            "shot", "scene", "frame", "viewer", "colour", "color", "colours", "colors", "tone", "mood");

    private static final String SUBJECT = "(?:(?:the|this|that|these|those|my|our|his|her|their|your|both)"
            + "(?:\\s+(?!that\\b|who\\b|which\\b|is\\b|are\\b)[a-z'-]+){1,4}?|him|her|them|us|me)";

    private static final String AT = "(?:in front of|on top of|next to|onto|on|into|inside|in|at|against|among|amid"
            + "|beside|by|under)";

    /** Verbs that can take a subject "to" a place ("set the tone to warm" does not). */
    private static final Set<String> TRAVEL_VERBS = Set.of("move", "take", "transport", "teleport", "relocate",
            "send", "bring", "transfer", "shift", "drop", "transplant");

    /** "put the dog on a beach", "move him to the mountains", "take the kitten to a snowy field". */
    private static final Pattern SUBJECT_TAKEN_SOMEWHERE = Pattern.compile("(?:^|, |\\band )([a-z]+)\\s+("
            + SUBJECT + ")\\s+(" + AT + "|to|over to|out to)\\s+(.+)$");

    private static final String BEING = "(?:is|are|was|were|be|to be|should be|could be|would be|appears? to be"
            + "|seems? to be)";
    private static final String POSED = "(?:standing|sitting|parked|lying|posing|walking|floating|sailing|placed"
            + "|located|relaxing|moved)";

    /** "i want the cat to be in a forest", "the couple should be on a beach", "as if he is standing in a park". */
    private static final Pattern SUBJECT_SHOWN_SOMEWHERE = Pattern.compile("\\b(" + SUBJECT + "|he|she|they|we|i)"
            + "\\s+" + BEING + "\\s+(?:" + POSED + "\\s+)?" + AT + "\\s+(.+)$");

    /** "have the friends standing on a pier", "i would like the van parked by a lake". */
    private static final Pattern SUBJECT_POSED_SOMEWHERE = Pattern.compile("\\b(?:have|want|like|love|see|need)\\s+("
            + SUBJECT + ")\\s+" + POSED + "\\s+" + AT + "\\s+(.+)$");

    /**
     * The setting named as the thing to change: "make the setting a cosy library", "change the place
     * he is standing to a platform" (not "the setting sun", nor a removal: "banish the rainy setting").
     */
    private static final Pattern THE_SETTING_CHANGED = Pattern.compile("^(?:change|make|turn|swap|switch|replace|alter"
            + "|transform|set|modify)\\s+the\\s+(?:[a-z]+\\s+)?(?:setting|scenery|surroundings|location|environment"
            + "|place (?:where\\s+)?(?:he|she|they|we|i|" + SUBJECT + ")\\s+(?:is|are)?\\s*" + POSED + ")\\b(?!\\s+sun\\b)");

    /** "whatever is behind her", "the stuff around my son", "what is behind the model". */
    private static final Pattern WHAT_IS_AROUND_A_SUBJECT = Pattern.compile("\\b(whatever|what|the stuff|the things"
            + "|the area|the space|the scenery|the scene|the view|the setting)\\s+(?:is\\s+|are\\s+)?(behind|around)\\s+"
            + SUBJECT);

    /** "behind him there should be a waterfall", "put a forest behind the house". */
    private static final Pattern BEHIND_A_SUBJECT = Pattern.compile("\\bbehind\\s+" + SUBJECT);

    /** "keep the horse sharp and blur the rest", "only the bride in focus, everything else dark". */
    private static final Pattern THE_REST = Pattern.compile("\\b(keep|leave|only|just|except|but)\\b.*\\b(the rest"
            + "|everything else|all else)\\b(?!\\s+of\\b)");

    /** "transparent cut-out of the sneaker", "isolate the mug", "knock it out onto a png". */
    private static final Pattern CUT_OUT = Pattern.compile("\\b(cut ?-?out|cutout|cut (?:\\S+\\s+){0,3}?out|isolate"
            + "|isolated|extract|knock (?:\\S+\\s+){0,3}?out)\\b");
    private static final Pattern TRANSPARENT = Pattern.compile("\\b(transparent|transparency|png|see ?-?through"
            + "|alpha)\\b");

    /** "on pure white", "against plain grey please": a plain colour as the last thing, so a backdrop. */
    private static final Pattern ON_A_PLAIN_COLOUR = Pattern.compile("\\b(on|onto|against)\\s+(?:a\\s+)?(?:pure|plain"
            + "|clean|solid|bright|neutral|flat)?\\s*(white|grey|gray|black)\\s*(?:$|,|please|pls|for\\b|and\\b)");

    /** The rule that makes the instruction a change of scene, or null when none applies. */
    public static String rule(String text) {
        String t = text.toLowerCase(Locale.ROOT).strip();
        Matcher taken = SUBJECT_TAKEN_SOMEWHERE.matcher(t);
        while (taken.find()) {
            String verb = taken.group(1);
            boolean to = taken.group(3).endsWith("to");
            boolean travel = !to || TRAVEL_VERBS.contains(verb);
            if (Lexicon.RELOCATE_VERBS.contains(verb) && travel && !isPicture(taken.group(2))
                    && isPlace(taken.group(4), to || taken.group(3).equals("against"))) {
                return "a subject taken to a scene";
            }
        }
        for (Pattern p : new Pattern[] {SUBJECT_SHOWN_SOMEWHERE, SUBJECT_POSED_SOMEWHERE}) {
            Matcher shown = p.matcher(t);
            while (shown.find()) {
                if (!isPicture(shown.group(1)) && isPlace(shown.group(2), false)) {
                    return "a subject shown in a scene";
                }
            }
        }
        if (THE_SETTING_CHANGED.matcher(t).find()) {
            return "the setting named as the thing to change";
        }
        if (WHAT_IS_AROUND_A_SUBJECT.matcher(t).find()) {
            return "what is behind or around a subject is its background";
        }
        Matcher behind = BEHIND_A_SUBJECT.matcher(t);
        if (behind.find() && (hasSceneWord(t.substring(0, behind.start())) || hasSceneWord(t.substring(behind.end())))) {
            return "a scene behind a subject";
        }
        if (THE_REST.matcher(t).find()) {
            return "the rest of the picture around a kept subject";
        }
        if (CUT_OUT.matcher(t).find() && TRANSPARENT.matcher(t).find() || ON_A_PLAIN_COLOUR.matcher(t).find()
                || TRANSPARENT.matcher(t).find() && t.matches(".*\\b(cut ?-?out|cutout)\\b.*")) {
            return "a subject cut out onto transparency or a plain colour";
        }
        return null;
    }

    /**
     * Whether the words after a preposition name a place: a scene word among its first few words, or,
     * after "to" (a destination) or "against" (a backdrop), any indefinite phrase that is not a manner
     * ("to a racing track", "against a painted wall", not "to a darker shade"). After "in" or "on" an indefinite phrase alone is too often clothing or a
     * thing ("put her in a red dress", "put the hat on a peg").
     */
    private static boolean isPlace(String rest, boolean indefiniteIsEnough) {
        String[] words = rest.split("[\\s,]+");
        int upTo = Math.min(words.length, 6);
        for (int i = 0; i < upTo; i++) {
            if (isSceneWord(words[i])) {
                return true;
            }
            if (i > 0 && Set.of("with", "and", "for", "so", "but", "instead", "rather", "please").contains(words[i])) {
                break;
            }
        }
        if (indefiniteIsEnough && words.length >= 2 && Set.of("a", "an", "some").contains(words[0])) {
            return !MANNER_WORDS.contains(words[1]);
        }
        return false;
    }

    private static boolean hasSceneWord(String text) {
        for (String word : text.split("[\\s,]+")) {
            if (isSceneWord(word)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSceneWord(String word) {
        return SCENE_WORDS.contains(word) || word.endsWith("s") && SCENE_WORDS.contains(word.substring(0, word.length() - 1));
    }

    private static boolean isPicture(String subject) {
        String[] words = subject.split("\\s+");
        return PICTURE_WORDS.contains(words[words.length - 1]);
    }
}
