package io.brushline.classifier.rules;

import io.brushline.classifier.ImageSize;
import io.brushline.classifier.InstructionEngine;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.messages.Placement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Offline instruction understanding. The rules look for the edit's cue (a removal verb, an addition,
 * a replacement, a background or style word, a restoration) in an order that resolves the usual
 * clashes: restoring "remove the haze" is GLOBAL although it says "remove"; "add a dog in the
 * background" is an addition although it names the background. The object is the noun phrase the cue
 * governs, read after the cue or, for passives ("the cat should be removed"), before it.
 */
public class RuleBasedInstructionEngine implements InstructionEngine {

    public static final String ENGINE_NAME = "rules";

    private static final Set<String> TARGET_INTRODUCERS = Set.of("to", "into", "with", "for", "as", "like",
            "resemble", "resembling", "depict", "portray", "illustrate", "evoke", "reflect", "capture", "simulate",
            "convey", "show", "showing", "feature", "featuring", "become", "be", "by");

    /** Colour words that are also things: "remove the orange". */
    private static final Set<String> COLOR_NOUNS = Set.of("orange", "lime", "olive", "cream", "gold", "silver",
            "amber", "coral", "bronze", "copper", "ivory", "emerald");

    /** Things to add that share a name with the frame: "add a photo to the wall". */
    private static final Set<String> FRAMED_THINGS = Set.of("photo", "picture", "photograph", "painting",
            "portrait", "frame", "poster", "drawing", "sketch", "image");

    private static final Set<String> SPATIAL_PREPOSITIONS = Set.of("to", "on", "onto", "near", "beside",
            "behind", "under", "below", "above", "beneath", "over", "inside", "within", "around", "atop", "by",
            "next", "upon", "amid", "amidst", "among", "in", "into", "at");

    private static final Set<String> REMOVAL_NEGATIONS = Set.of("no", "without", "absence", "free");

    @Override
    public Classification understand(String instruction, ImageSize image) {
        Text t = Text.parse(instruction == null ? "" : instruction);
        Classification c = restoration(t);
        if (c == null) {
            c = addition(t, image);
        }
        if (c == null) {
            c = background(t);
        }
        if (c == null) {
            c = style(t);
        }
        if (c == null) {
            c = removal(t);
        }
        if (c == null) {
            c = replacement(t);
        }
        if (c == null) {
            c = change(t);
        }
        if (c == null) {
            c = recolor(t);
        }
        if (c == null) {
            c = fallback(t);
        }
        return c;
    }

    /**
     * The instruction as the rules read it: lower case, contractions expanded, courtesy removed, a
     * misspelt leading verb corrected ("could you pls remvoe the cat?" -> "remove the cat").
     */
    public static String normalise(String instruction) {
        return Text.parse(instruction == null ? "" : instruction).normalised();
    }

    /**
     * Whether a word names a property of the whole picture rather than a thing in it: its light, colours,
     * style, atmosphere, quality, a degradation or something abstract ("the lighting", "the colours", "the
     * mood", "the haze", "the essence").
     */
    public static boolean isPictureProperty(String word) {
        return Lexicon.QUALITY_WORDS.contains(word) || Lexicon.HUE_WORDS.contains(word)
                || Lexicon.STYLE_WORDS.contains(word) || Lexicon.EFFECT_WORDS.contains(word)
                || Lexicon.ATMOSPHERE_WORDS.contains(word) || Lexicon.DEGRADATIONS.contains(word)
                || Lexicon.IMAGE_WORDS.contains(word) || Lexicon.SCENE_HEADS.contains(word)
                || Lexicon.BACKGROUND_WORDS.contains(word) || Lexicon.ABSTRACT_NOUNS.contains(word);
    }

    /**
     * Object, target prompt and placement for an instruction whose category was decided elsewhere (by
     * the learned engine): only the cues of that category are tried, and when none fits, the first
     * concrete noun phrase is the object.
     */
    public Classification understandAs(String instruction, Category category, ImageSize image) {
        return understandAs(Text.parse(instruction == null ? "" : instruction), category, image);
    }

    /** The same for an instruction already read by {@link Text#parse}. */
    public Classification understandAs(Text t, Category category, ImageSize image) {
        List<Supplier<Classification>> cues = switch (category) {
            case GLOBAL -> List.of(() -> restoration(t), () -> style(t), () -> change(t), () -> fallback(t));
            case ADD -> List.of(() -> addition(t, image));
            case BACKGROUND -> List.of(() -> background(t), () -> change(t));
            case REMOVE -> List.of(() -> removal(t));
            case LOCAL -> List.of(() -> replacement(t), () -> change(t), () -> recolor(t), () -> fallback(t));
        };
        for (Supplier<Classification> cue : cues) {
            Classification c = cue.get();
            if (c != null && c.category() == category) {
                return c;
            }
        }
        Phrase p = Phrase.first(t, 0, t.size(), j -> isFiller(t, j), this::isConcrete);
        String object = p == null ? null : stripPossessive(p.text());
        String request = cleanTail(t, 0, t.size());
        return switch (category) {
            case GLOBAL -> global("the same scene, " + request, null);
            case BACKGROUND -> new Classification(category, null, request + " background", null, null, ENGINE_NAME);
            case REMOVE -> new Classification(category, object,
                    "the scene without the " + (object == null ? "marked object" : object) + ", empty background",
                    object, null, ENGINE_NAME);
            case ADD -> new Classification(category, object, request, null,
                    PlacementPlanner.plan(t, p == null ? 0 : p.end(), t.size(), image), ENGINE_NAME);
            case LOCAL -> new Classification(category, object, request, null, null, ENGINE_NAME);
        };
    }

    // ---- GLOBAL: restoration ---------------------------------------------------------------------

    private Classification restoration(Text t) {
        boolean degraded = t.containsAny(Lexicon.DEGRADATIONS);
        boolean restore = t.containsAny(Lexicon.DEGRADATION_VERBS)
                || degraded && removesADegradation(t)
                || degraded && t.containsAny(Lexicon.RESTORE_VERBS) && !t.containsAny(Lexicon.BACKGROUND_WORDS);
        if (!restore) {
            return null;
        }
        Set<String> removed = new LinkedHashSet<>();
        for (String w : t.words) {
            String kind = degradationKind(w);
            if (kind != null) {
                removed.add(kind);
            }
        }
        String negative = removed.isEmpty() ? "blur, noise, haze" : String.join(", ", removed);
        return global("a clean, sharp, well-exposed photo of the same scene", negative);
    }

    /** "remove the rain" restores the image; "remove the person in the rain" removes a person. */
    private boolean removesADegradation(Text t) {
        for (int cue = removalCue(t, 0); cue >= 0; cue = removalCue(t, cue + 1)) {
            Phrase p = Phrase.first(t, cue + 1, t.size(), j -> isFiller(t, j), ph -> !ph.containsAny(Lexicon.IMAGE_WORDS));
            if (p == null) {
                p = Phrase.first(t, 0, cue, j -> isFiller(t, j), ph -> !ph.containsAny(Lexicon.IMAGE_WORDS));
            }
            if (p == null || !isConcrete(p)) {
                return true;
            }
        }
        return false;
    }

    private static String degradationKind(String w) {
        if (w.startsWith("rain") || w.startsWith("drizzl") || w.startsWith("droplet") || w.equals("watery")) {
            return "rain streaks";
        }
        if (w.startsWith("haz") || w.startsWith("mist") || w.startsWith("fog") || w.equals("smog")
                || w.equals("dehaze") || w.equals("defog")) {
            return "haze";
        }
        if (w.startsWith("blur") || w.startsWith("deblur") || w.equals("unblur") || w.equals("defocus")) {
            return "blur";
        }
        if (w.startsWith("nois") || w.startsWith("denois") || w.startsWith("grain")) {
            return "noise";
        }
        if (w.startsWith("snow") || w.equals("desnow")) {
            return "snow";
        }
        return null;
    }

    // ---- ADD ---------------------------------------------------------------------------------------

    private Classification addition(Text t, ImageSize image) {
        int cue = -1;
        Phrase object = null;
        for (int i = 0; i < t.size() && object == null; i++) {
            String lemma = Text.lemma(t.get(i));
            int from;
            if (Lexicon.ADD_VERBS.contains(lemma) && !precededByDeterminer(t, i)) {
                from = i + 1;
            } else if (Lexicon.ADD_WITH_VERBS.contains(lemma) && !t.get(i).endsWith("ed")) {
                int with = t.indexOf("with", i + 1);
                if (with < 0) {
                    continue;
                }
                from = with + 1;
            } else if (introducesNewThing(t, i)) {
                from = i + 1;
            } else if (lemma.equals("give") && recipientOf(t, i) != null) {
                from = recipientOf(t, i).end();
            } else {
                continue;
            }
            Predicate<Phrase> addable = p -> isAddable(t, p) && !followsSpatialPreposition(t, p);
            Phrase before = isPassiveParticiple(t, i) ? Phrase.first(t, 0, i, j -> isFiller(t, j), addable) : null;
            Phrase p = before != null ? before : Phrase.first(t, from, t.size(), j -> isFiller(t, j), addable);
            if (p == null && t.get(i - 1).matches("should|must|can|could|will|would|shall")) {
                // "a cat should sit on the windowsill": the new thing is the subject
                p = Phrase.first(t, 0, i, j -> isFiller(t, j), addable);
            }
            if (p != null) {
                cue = i;
                object = p;
            }
        }
        if (object == null || movesAThingOntoABackground(t, object)) {
            return null;
        }
        int placementFrom = object.start() > cue ? object.end() : cue + 1;
        Phrase recipient = Text.lemma(t.get(cue)).equals("give") ? recipientOf(t, cue) : null;
        Placement placement = recipient != null
                ? PlacementPlanner.placement("on", recipient.text(), image)
                : PlacementPlanner.plan(t, placementFrom, t.size(), image);
        if (placement.relation() == null && object.start() < cue) {
            placement = PlacementPlanner.plan(t, object.end(), t.size(), image);
        }
        String target = recipient != null
                ? cleanTail(t, recipient.end(), t.size()) + " on the " + recipient.text()
                : cleanTail(t, Math.min(object.start(), cue + 1), t.size());
        String name = stripPossessive(object.text());
        return new Classification(Category.ADD, name, target.isEmpty() ? name : target, null, placement,
                ENGINE_NAME);
    }

    /** "give the man a hat": the man, when a new thing follows him. */
    private Phrase recipientOf(Text t, int give) {
        if (!t.get(give + 1).matches("the|this|that|these|those|his|her|their|my|our|your")) {
            return null;
        }
        Phrase recipient = Phrase.at(t, give + 1);
        boolean thingFollows = Lexicon.NUMBERS.contains(t.get(recipient.end()));
        for (int i = recipient.end(); thingFollows && i < t.size() && !Lexicon.PHRASE_STOPS.contains(t.get(i)); i++) {
            // "give the banana a green tint" recolours rather than adds
            thingFollows = !Lexicon.COLORS.contains(t.get(i)) && !Lexicon.HUE_WORDS.contains(t.get(i));
        }
        return !recipient.words().isEmpty() && isConcrete(recipient) && thingFollows ? recipient : null;
    }

    /** "put the dog on a beach background" keeps the dog and swaps what is behind it. */
    private static boolean movesAThingOntoABackground(Text t, Phrase object) {
        String before = t.get(object.start() - 1);
        boolean definite = before.matches("the|this|that|these|those|my|his|her|their|our|your")
                || object.words().get(0).endsWith("'s");
        return definite && t.containsAny(Lexicon.BACKGROUND_WORDS);
    }

    /** "there should be a cat", "I want two birds", "let there be a moon": a count or article follows. */
    private static boolean introducesNewThing(Text t, int i) {
        String w = t.get(i);
        String next = t.get(i + 1);
        boolean countFollows = Lexicon.NUMBERS.contains(next) || next.chars().anyMatch(Character::isDigit);
        if (!countFollows) {
            return false;
        }
        return w.equals("be") && (t.get(i - 1).matches("should|must|could|can|would|there|will")
                    || t.get(i - 1).equals("to") && t.get(i - 2).matches("needs|need|has|have|ought|got|going"))
                || (w.equals("want") || w.equals("need") || w.equals("like") || w.equals("see"))
                    && (t.get(i - 1).matches("i|we|would|to") || i == 0)
                || w.equals("is") && t.get(i - 1).equals("there") && t.indexOf("not", 0) < 0
                || w.equals("are") && t.get(i - 1).equals("there")
                || w.equals("me") && t.get(i - 1).equals("give")
                || w.equals("about") && (t.get(i - 1).equals("how") || t.get(i - 1).equals("what"));
    }

    private static boolean isPassiveParticiple(Text t, int i) {
        return t.get(i).endsWith("ed") || t.get(i - 1).matches("be|is|are|been");
    }

    private boolean isAddable(Text t, Phrase p) {
        boolean concrete = isConcrete(p) || FRAMED_THINGS.contains(p.head())
                && Lexicon.NUMBERS.contains(t.get(p.start() - 1));
        return concrete && !p.containsAny(Lexicon.EFFECT_WORDS) && !p.containsAny(Lexicon.HUE_WORDS)
                && !(p.words().stream().allMatch(Lexicon.COLORS::contains) && !isColorNoun(p));
    }

    private static boolean isColorNoun(Phrase p) {
        return COLOR_NOUNS.contains(p.words().get(0));
    }

    /** "to the left of the dog": the dog is where the new thing goes, not the new thing. */
    private static boolean followsSpatialPreposition(Text t, Phrase p) {
        int i = p.start() - 1;
        while (i >= 0 && Phrase.isDeterminer(t.get(i)) && !t.get(i).equals("of")) {
            i--;
        }
        if (i >= 0 && t.get(i).equals("of")) {
            return Lexicon.SPATIAL_WORDS.contains(t.get(i - 1));
        }
        return i >= 0 && SPATIAL_PREPOSITIONS.contains(t.get(i));
    }

    // ---- BACKGROUND --------------------------------------------------------------------------------

    private Classification background(Text t) {
        int bg = -1;
        for (int i = 0; i < t.size(); i++) {
            if (Lexicon.BACKGROUND_WORDS.contains(t.get(i)) && !t.get(i).equals("behind") && !isModifier(t, i)
                    && !describedByStyle(t, i)) {
                bg = i;
                break;
            }
        }
        if (bg < 0) {
            return null;
        }
        String keep = subjectToKeep(t, bg);
        int targetFrom = lastIndexOf(t, TARGET_INTRODUCERS, bg + 1);
        String target = targetFrom < 0 ? modifiersBefore(t, bg) : cleanTail(t, targetFrom + 1, t.size());
        if (t.get(0).matches("blur|defocus|soften")) {
            target = "a softly blurred, out-of-focus background";
        } else if (target.isEmpty() || removalCue(t, 0) >= 0 && removalCue(t, 0) < bg) {
            target = "a plain, empty background";
        } else if (!containsWord(target, Lexicon.BACKGROUND_WORDS) && !containsWord(target, Lexicon.SCENE_HEADS)) {
            target = target + " background";
        }
        return new Classification(Category.BACKGROUND, keep, target, null, null, ENGINE_NAME);
    }

    /** "a beach background" -> "beach": the words describing a background named after them. */
    private static String modifiersBefore(Text t, int bg) {
        int start = bg;
        while (start > 0 && !Lexicon.PHRASE_STOPS.contains(t.get(start - 1)) && !Phrase.isDeterminer(t.get(start - 1))
                && !isFiller(t, start - 1)) {
            start--;
        }
        return t.join(start, bg);
    }

    /** "the setting sun": a background word used as an adjective. */
    private static boolean isModifier(Text t, int i) {
        String next = t.get(i + 1);
        return !next.isEmpty() && !Lexicon.PHRASE_STOPS.contains(next) && !Phrase.isDeterminer(next);
    }

    /** "a cyberpunk-inspired setting" restyles the whole picture rather than swapping its background. */
    private static boolean describedByStyle(Text t, int i) {
        for (int j = Math.max(0, i - 3); j < i; j++) {
            if (Lexicon.STYLE_WORDS.contains(t.get(j))) {
                return true;
            }
        }
        return false;
    }

    /** The subject the new background goes behind: "the background behind the dog", "the cat's backdrop". */
    private String subjectToKeep(Text t, int bg) {
        int behind = t.indexOf("behind", 0);
        if (behind >= 0) {
            Phrase p = Phrase.first(t, behind + 1, t.size(), j -> isFiller(t, j), this::isConcrete);
            if (p != null) {
                return p.text();
            }
        }
        String before = t.get(bg - 1);
        if (before.endsWith("'s")) {
            return before.substring(0, before.length() - 2);
        }
        Phrase p = Phrase.first(t, 0, bg, j -> isFiller(t, j), ph -> isConcrete(ph) && t.get(ph.start() - 1).equals("the"));
        return p == null ? null : p.text();
    }

    // ---- GLOBAL: style and atmosphere ----------------------------------------------------------------

    private Classification style(Text t) {
        int styleIndex = -1;
        for (int i = 0; i < t.size(); i++) {
            if (Lexicon.STYLE_WORDS.contains(t.get(i))) {
                styleIndex = i;
                break;
            }
        }
        int blackAndWhite = t.indexOfPhrase("black and white");
        if (styleIndex < 0 && blackAndWhite < 0) {
            return null;
        }
        if (stylesAThing(t)) {
            return null;
        }
        return global("the same scene in " + styleName(t, styleIndex, blackAndWhite) + " style", null);
    }

    /** "make the car vintage" restyles the car: the leading verb's object is a definite, concrete thing. */
    private boolean stylesAThing(Text t) {
        if (t.containsAny(Lexicon.IMAGE_WORDS) || !t.get(1).matches("the|this|that|these|those|his|her|their")
                && !t.get(1).endsWith("'s")) {
            return false;
        }
        Phrase p = Phrase.at(t, 1);
        return !p.words().isEmpty() && isConcrete(p);
    }

    private String styleName(Text t, int styleIndex, int blackAndWhite) {
        int of = t.indexOfPhrase("style of");
        if (of >= 0) {
            return cleanTail(t, of + 2, t.size());
        }
        if (blackAndWhite >= 0 && (styleIndex < 0 || blackAndWhite < styleIndex)) {
            return "black and white";
        }
        List<String> words = new ArrayList<>();
        for (int i = styleIndex; i < t.size() && Lexicon.STYLE_WORDS.contains(t.get(i)); i++) {
            words.add(t.get(i));
        }
        for (int i = styleIndex - 1; i >= 0 && !Lexicon.PHRASE_STOPS.contains(t.get(i))
                && !Phrase.isDeterminer(t.get(i)) && !isFiller(t, i); i--) {
            words.add(0, t.get(i));
        }
        words.removeIf(w -> w.equals("style") || w.equals("styled") || w.equals("styling"));
        return words.isEmpty() ? t.get(styleIndex) : String.join(" ", words);
    }

    // ---- REMOVE ------------------------------------------------------------------------------------

    /** Index of the word that asks for a removal, or -1. */
    private static int removalCue(Text t, int from) {
        for (int i = from; i < t.size(); i++) {
            String w = t.get(i);
            String lemma = Text.lemma(w);
            if (Lexicon.REMOVE_VERBS.contains(lemma) && !(lemma.equals("lose") && t.get(i + 1).equals("weight"))) {
                return i;
            }
            if (Lexicon.REMOVE_PARTICLE_VERBS.contains(lemma)
                    && (Lexicon.REMOVE_PARTICLES.contains(t.get(i + 1)) || Lexicon.REMOVE_PARTICLES.contains(t.get(i + 2))
                        || Lexicon.REMOVE_PARTICLES.contains(t.get(i + 3)) && !t.get(i + 3).equals("off"))) {
                return i;
            }
            if (lemma.matches("clear|free|cleanse|empty|strip|purge|rid") && clearsImageOf(t, i)) {
                return i;
            }
            if (REMOVAL_NEGATIONS.contains(w) && !(w.equals("no") && t.get(i + 1).equals("longer"))) {
                return i;
            }
            if ((w.equals("not") || w.equals("longer"))
                    && t.get(i + 1).matches("want|need|feature|have|contain|show|include|keep")) {
                return i + 1;
            }
            if (w.equals("do") && t.get(i + 1).equals("away") && t.get(i + 2).equals("with")) {
                return i;
            }
            if (w.equals("go") && (t.get(i + 1).equals("away") || t.get(i - 1).matches("to|must|should|can|will"))
                    || w.equals("gone")) {
                return i;
            }
        }
        return -1;
    }

    /** "clear the image of the bicycle": the image is emptied of what follows "of". */
    private static boolean clearsImageOf(Text t, int verb) {
        int i = verb + 1;
        while (Phrase.isDeterminer(t.get(i)) && !t.get(i).equals("of")) {
            i++;
        }
        return Lexicon.IMAGE_WORDS.contains(t.get(i)) && t.get(i + 1).equals("of");
    }

    private Classification removal(Text t) {
        int cue = removalCue(t, 0);
        if (cue < 0) {
            return null;
        }
        Phrase p = Phrase.first(t, cue + 1, t.size(), j -> isFiller(t, j), this::isConcrete);
        if (p == null) {
            p = Phrase.first(t, 0, cue, j -> isFiller(t, j), this::isConcrete);
        }
        boolean pointsAtMarkedObject = p == null ? Lexicon.POINTING_PRONOUNS.contains(t.get(cue + 1))
                : Lexicon.POINTING_PRONOUNS.contains(p.text());
        if (pointsAtMarkedObject) {
            // "remove this", "erase them": the object is whatever the client's box, points or mask mark
            return new Classification(Category.REMOVE, null, "the scene without the marked object, empty background",
                    null, null, ENGINE_NAME);
        }
        if (p == null) {
            return null;
        }
        String object = stripPossessive(p.text());
        return new Classification(Category.REMOVE, object, "the scene without the " + object + ", empty background",
                object, null, ENGINE_NAME);
    }

    // ---- LOCAL: replacement and change --------------------------------------------------------------

    private Classification replacement(Text t) {
        int cue = indexOfVerb(t, Lexicon.REPLACE_VERBS);
        int insteadOf = t.indexOfPhrase("instead of");
        if (insteadOf >= 0) {
            Phrase old = Phrase.first(t, insteadOf + 2, t.size(), j -> isFiller(t, j), this::isConcrete);
            Phrase replacementThing = Phrase.first(t, 0, insteadOf, j -> isFiller(t, j), this::isConcrete);
            if (old != null) {
                String target = replacementThing == null ? old.text() : cleanTail(t, replacementThing.start(), insteadOf);
                return local(t, old, target);
            }
        }
        if (cue < 0) {
            return null;
        }
        Phrase old = Phrase.first(t, cue + 1, t.size(), j -> isFiller(t, j), this::isConcrete);
        if (old == null) {
            old = Phrase.first(t, 0, cue, j -> isFiller(t, j), this::isConcrete);
        }
        if (old == null) {
            return null;
        }
        int with = -1;
        for (int i = Math.max(old.end(), cue + 1); i < t.size(); i++) {
            if (t.get(i).matches("with|for|by|to|into")) {
                with = i;
                break;
            }
        }
        if (with >= 0 && t.get(with).equals("for") && Text.lemma(t.get(cue)).equals("substitute")) {
            // "substitute a rabbit for the cat": the cat goes, the rabbit comes
            Phrase replaced = Phrase.first(t, with + 1, t.size(), j -> isFiller(t, j), this::isConcrete);
            if (replaced != null) {
                return local(t, replaced, cleanTail(t, old.start(), with));
            }
        }
        String target = with < 0 ? "" : cleanTail(t, with + 1, t.size());
        return local(t, old, target.isEmpty() ? old.text() : target);
    }

    private Classification change(Text t) {
        int verb = indexOfVerb(t, Lexicon.CHANGE_VERBS);
        if (verb < 0) {
            return null;
        }
        int targetStart = -1;
        for (int i = verb + 1; i < t.size(); i++) {
            if (t.get(i).matches("into|to|as|like")) {
                targetStart = i + 1;
                break;
            }
        }
        if (targetStart < 0 && t.get(verb).matches("make|turn")) {
            // "make the horse a zebra": the new thing follows the object directly
            Phrase object = Phrase.first(t, verb + 1, t.size(), j -> isFiller(t, j), this::isConcrete);
            if (object != null && t.get(object.end()).matches("a|an")) {
                targetStart = object.end();
            }
        }
        if (targetStart < 0) {
            return null;
        }
        Phrase subject = Phrase.first(t, verb + 1, targetStart, j -> isFiller(t, j), this::isConcrete);
        String target = cleanTail(t, targetStart, t.size());
        Text rest = Text.parse(target);
        boolean sceneTarget = rest.containsAny(Lexicon.SCENE_NOUNS) || rest.containsAny(Lexicon.SCENE_HEADS);
        boolean subjectIsScene = subject == null || subject.containsAny(Lexicon.SCENE_NOUNS);
        if (sceneTarget && (subjectIsScene || rest.containsAny(Lexicon.SCENE_HEADS))) {
            return new Classification(Category.BACKGROUND, null, target + " background", null, null, ENGINE_NAME);
        }
        if (subject == null) {
            boolean namesThing = Phrase.first(rest, 0, rest.size(), j -> isFiller(rest, j), this::isConcrete) != null;
            return namesThing || target.isEmpty() ? null : global("the same scene, " + target, null);
        }
        return local(t, subject, localTarget(t, subject, rest));
    }

    /** "a metal one" -> "a metal kitten"; a bare colour or material -> "blue kitten". */
    private static String localTarget(Text t, Phrase subject, Text target) {
        String object = stripPossessive(stripHue(t, subject));
        List<String> words = new ArrayList<>(target.words);
        words.removeIf(w -> Lexicon.HUE_WORDS.contains(w) && !w.equals("new"));
        if (words.isEmpty()) {
            return object;
        }
        int one = words.indexOf("one");
        if (one >= 0) {
            words.set(one, object);
            return String.join(" ", words);
        }
        boolean adjectiveOnly = words.stream().allMatch(w -> Lexicon.COLORS.contains(w)
                || Lexicon.COLOR_MODIFIERS.contains(w) || Lexicon.MATERIALS.contains(w) || Phrase.isDeterminer(w));
        if (adjectiveOnly) {
            words.removeIf(Phrase::isDeterminer);
            return String.join(" ", words) + " " + object;
        }
        return String.join(" ", words);
    }

    private Classification recolor(Text t) {
        List<Integer> colors = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            if (Lexicon.COLORS.contains(t.get(i))) {
                colors.add(i);
            }
        }
        boolean hue = t.containsAny(Lexicon.HUE_WORDS) || t.containsAny(Lexicon.COLOR_VERBS);
        if (colors.isEmpty() && !hue) {
            return null;
        }
        Phrase p = Phrase.first(t, 0, t.size(), j -> isFiller(t, j) || Lexicon.COLORS.contains(t.get(j)),
                ph -> isConcrete(ph) && !Lexicon.HUE_WORDS.contains(ph.words().get(0)));
        if (p == null) {
            return null;
        }
        String object = stripPossessive(stripHue(t, p));
        String color = "";
        if (!colors.isEmpty()) {
            int last = colors.get(colors.size() - 1);
            boolean modified = Lexicon.COLOR_MODIFIERS.contains(t.get(last - 1));
            color = t.join(modified ? last - 1 : last, last + 1) + " ";
        }
        return new Classification(Category.LOCAL, object, color + object, null, null, ENGINE_NAME);
    }

    private Classification local(Text t, Phrase object, String target) {
        String name = stripPossessive(stripHue(t, object));
        return new Classification(Category.LOCAL, name, target, null, null, ENGINE_NAME);
    }

    // ---- fallback ------------------------------------------------------------------------------------

    private Classification fallback(Text t) {
        boolean wholeImage = t.containsAny(Lexicon.RESTORE_VERBS) || t.containsAny(Lexicon.QUALITY_WORDS)
                || t.containsAny(Lexicon.ATMOSPHERE_WORDS);
        Phrase p = Phrase.first(t, 0, t.size(), j -> isFiller(t, j), this::isConcrete);
        if (wholeImage || p == null) {
            boolean light = t.containsAny(Lexicon.QUALITY_WORDS) && !t.containsAny(Lexicon.ATMOSPHERE_WORDS);
            return light
                    ? global("a bright, well-exposed, sharp photo of the same scene", "dark, underexposed, blurry")
                    : global("the same scene, " + atmosphereOrRequest(t), null);
        }
        if (t.get(0).matches("make|let|get") && p.end() == t.size() && p.words().size() >= 2) {
            // "make the man older": the last word is what the object becomes
            String object = stripPossessive(t.join(p.start(), p.end() - 1));
            return new Classification(Category.LOCAL, object, p.head() + " " + object, null, null, ENGINE_NAME);
        }
        String object = stripPossessive(p.text());
        return new Classification(Category.LOCAL, object, cleanTail(t, 0, t.size()), null, null, ENGINE_NAME);
    }

    /** "make it winter" -> "winter"; without a season or time of day, the request itself. */
    private static String atmosphereOrRequest(Text t) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            if (Lexicon.ATMOSPHERE_WORDS.contains(t.get(i))) {
                words.add(t.get(i));
            }
        }
        return words.isEmpty() ? t.join(0, t.size()) : String.join(", ", words);
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static Classification global(String target, String negative) {
        return new Classification(Category.GLOBAL, null, target, negative, null, ENGINE_NAME);
    }

    /** A thing in the picture, not the picture itself, a place in it, a quality, a style or an abstraction. */
    private boolean isConcrete(Phrase p) {
        List<String> content = new ArrayList<>();
        for (int i = 0; i < p.words().size(); i++) {
            String w = p.words().get(i);
            boolean colorModifier = Lexicon.COLOR_MODIFIERS.contains(w) && i + 1 < p.words().size()
                    && Lexicon.COLORS.contains(p.words().get(i + 1));
            if (!Lexicon.HUE_WORDS.contains(w) && !Lexicon.COLORS.contains(w) && !colorModifier) {
                content.add(w);
            }
        }
        if (content.isEmpty()) {
            return isColorNoun(p);
        }
        String head = content.get(content.size() - 1);
        boolean placeOrFrame = content.stream().map(RuleBasedInstructionEngine::stripPossessive)
                .anyMatch(w -> Lexicon.IMAGE_WORDS.contains(w) || Lexicon.SPATIAL_WORDS.contains(w));
        return !placeOrFrame && !Lexicon.BACKGROUND_WORDS.contains(head) && !Lexicon.QUALITY_WORDS.contains(head) && !Lexicon.DEGRADATIONS.contains(head)
                && !Lexicon.STYLE_WORDS.contains(head) && !Lexicon.ABSTRACT_NOUNS.contains(head);
    }

    /** Verbs, auxiliaries and the sentence's leading verb are not where an object phrase starts. */
    private static boolean isFiller(Text t, int i) {
        String w = t.get(i);
        String lemma = Text.lemma(w);
        if (i == 0 && t.size() > 1 && (Phrase.isDeterminer(t.get(1)) || Lexicon.PHRASE_STOPS.contains(t.get(1)))
                && !w.endsWith("'s")) {
            return true;
        }
        return Lexicon.REMOVE_VERBS.contains(lemma) || Lexicon.REMOVE_PARTICLE_VERBS.contains(lemma)
                || Lexicon.ADD_VERBS.contains(lemma) || Lexicon.ADD_WITH_VERBS.contains(lemma)
                || Lexicon.REPLACE_VERBS.contains(lemma) || Lexicon.CHANGE_VERBS.contains(lemma)
                || Lexicon.COLOR_VERBS.contains(lemma) || Lexicon.RESTORE_VERBS.contains(lemma)
                || Lexicon.AUXILIARIES.contains(w) || Lexicon.HUE_WORDS.contains(w)
                || w.matches("ensure|confirm|verify|make|sure|let|us|we|i|you|want|like|need|there|no|not|do|"
                        + "does|time|here|image's|picture's|photo's|absence|free|when|what|how|why|please|okay|"
                        + "able|possible|would|instead|help|wish|love|remains|left|exist|exists|appear|appears");
    }

    /** The first word used as one of {@code verbs}: not right after "the" or a possessive ("the cat's color"). */
    private static int indexOfVerb(Text t, Set<String> verbs) {
        for (int i = t.indexOfLemma(verbs, 0); i >= 0; i = t.indexOfLemma(verbs, i + 1)) {
            if (!precededByDeterminer(t, i) && !t.get(i - 1).endsWith("'s")) {
                return i;
            }
        }
        return -1;
    }

    private static boolean precededByDeterminer(Text t, int i) {
        return i > 0 && Phrase.isDeterminer(t.get(i - 1)) && !t.get(i - 1).equals("of");
    }

    /** The words from {@code from}, cut before a trailing "in the image" or a purpose clause. */
    private static String cleanTail(Text t, int from, int to) {
        int end = Math.min(to, t.size());
        for (int i = from; i < end; i++) {
            String w = t.get(i);
            boolean imageRef = w.matches("in|on|from|of|to|into|within|inside|across|throughout")
                    && (Lexicon.IMAGE_WORDS.contains(t.get(i + 1))
                        || Phrase.isDeterminer(t.get(i + 1)) && Lexicon.IMAGE_WORDS.contains(t.get(i + 2)));
            if (imageRef || w.equals(",") || w.equals("so") || w.equals("while") || w.equals("because")
                    || w.equals("please") || w.equals("and") && Text.lemma(t.get(i + 1)).matches("make|give|bring|keep")) {
                end = i;
                break;
            }
        }
        return t.join(from, end).trim();
    }

    private static int lastIndexOf(Text t, Set<String> words, int from) {
        int found = -1;
        for (int i = from; i < t.size(); i++) {
            if (words.contains(t.get(i))) {
                found = i;
            }
        }
        return found;
    }

    private static boolean containsWord(String text, Set<String> words) {
        for (String w : text.split(" ")) {
            if (words.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** The phrase without trailing colour and hue words: "cat's color" -> "cat's", "shirt light blue" -> "shirt". */
    private static String stripHue(Text t, Phrase p) {
        int end = p.end();
        while (end - p.start() > 1 && (Lexicon.HUE_WORDS.contains(t.get(end - 1))
                || Lexicon.COLORS.contains(t.get(end - 1)) || Lexicon.COLOR_MODIFIERS.contains(t.get(end - 1)))) {
            end--;
        }
        return t.join(p.start(), end);
    }

    /** "the horse's" alone names the horse; "the man's beard" keeps its owner. */
    private static String stripPossessive(String phrase) {
        return phrase.endsWith("'s") ? phrase.substring(0, phrase.length() - 2) : phrase;
    }
}
