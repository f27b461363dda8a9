package io.brushline.classifier.learned;

import io.brushline.classifier.ImageSize;
import io.brushline.classifier.InstructionEngine;
import io.brushline.classifier.rules.EditDistance;
import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import io.brushline.classifier.rules.SceneChange;
import io.brushline.classifier.rules.Text;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.messages.Decision;
import io.brushline.embedding.SentenceEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Instruction understanding learned from examples. The category comes from a logistic regression
 * over the all-MiniLM-L6-v2 embedding of the instruction, trained on the bundled examples (at build
 * time, see {@link PrecomputedTraining});
 * two hard rules override it where a sentence leaves no doubt. Object, target prompt and placement
 * are then read by the rule engine's phrase machinery for that category, and the object is resolved
 * (pronouns, several objects). The job record gets the confidence and the nearest training examples.
 */
public class LearnedInstructionEngine implements InstructionEngine {

    public static final String ENGINE_NAME = "learned";

    private static final Category[] CATEGORIES = Category.values();
    private static final int NEIGHBOURS = 3;

    /** The background named as a thing ("bg white", "swap the backdrop"), misspellings included. */
    private static final Pattern BACKGROUND_WORD = Pattern.compile("\\bb[a-z]*\\b");

    /** "everything but the couple", "everything behind the dog": all around a subject is its background. */
    private static final Pattern EVERYTHING_AROUND_A_SUBJECT = Pattern.compile("\\b(everything|all)\\s+(but|except"
            + "|apart from|other than|save|besides|behind|around|outside)\\s+(the|this|that|these|those|him|her|them"
            + "|his|my|our|their)\\b");

    /**
     * "the dog in the background": the background as the place of something else ("get rid of the
     * background" names it as the thing to change).
     */
    private static final Pattern BACKGROUND_AS_PLACE = Pattern.compile("\\b(in|into|to|at|from|(?<!rid )of|across)"
            + " the\\s+\\S+$");

    /** The plain removal verbs; "take out" or "lose" are left to the model. */
    private static final Pattern REMOVAL_VERB = Pattern.compile("^(?:please\\s+)?(remove|erase|delete|eliminate"
            + "|get rid of)\\s+(?:the|a|an|all|every|this|that|these|those|his|her|their|my)\\b");

    /** What a removal can be aimed at without being an object: a degradation of the whole photo. */
    private static final Set<String> DEGRADATIONS = Set.of("rain", "raindrops", "drops", "droplets", "snow",
            "snowflakes", "haze", "fog", "mist", "smog", "noise", "grain", "graininess", "blur", "blurriness",
            "streaks", "background", "backdrop", "bg", "shadow", "shadows", "watermark", "reflections", "glare");

    private static final Set<String> PERSON_PRONOUNS = Set.of("him", "her", "he", "she", "me", "us", "myself",
            "himself", "herself");

    /** Pronouns that point at things in the picture rather than at the picture: "make them red". */
    private static final Set<String> THING_PRONOUNS = Set.of("them", "they", "these", "those");

    /** Words for the picture itself, as the object of an edit: "make the photo brighter". */
    private static final Set<String> PICTURE_WORDS = Set.of("it", "this", "that", "everything", "image", "images",
            "photo", "photos", "photograph", "picture", "pic", "pics", "shot", "scene", "frame", "thing", "whole");

    /**
     * A picture word followed by an exception or a place names a region or a thing, not the picture:
     * "everything but the couple", "everything behind the dog", "the photo on the wall".
     */
    private static final Pattern PICTURE_WORD_NARROWED = Pattern.compile("\\b(it|this|that|everything|image|photo"
            + "|photograph|picture|pic|shot|scene|frame|thing)\\s+(but|except|apart|besides|save|other than|behind"
            + "|around|outside|beside|next|near|under|below|above|beneath|over|on|left|right)\\b");

    /** Words that point at a thing: "the front door", "his jacket". */
    private static final Set<String> OWNERS = Set.of("the", "his", "her", "their", "my", "our", "your");

    /** Words before a phrase that describes the result rather than a thing: "to the anime style". */
    private static final Set<String> RESULT_MARKS = Set.of("to", "into", "in", "with", "like", "as", "of");

    /** What may stand before a picture word without naming a part of it: "the whole image". */
    private static final Set<String> WHOLE_WORDS = Set.of("whole", "entire", "full", "complete", "overall");

    private static final Set<String> CONJUNCTIONS = Set.of("and", ",", "&", "plus");
    private static final Set<String> DETERMINERS = Set.of("the", "a", "an", "all", "both", "his", "her", "their",
            "my", "some", "two", "three", "any", "every", "also");
    private static final Set<String> PHRASE_ENDS = Set.of("from", "in", "on", "at", "with", "of", "near", "behind",
            "next", "by", "out", "off", "away", "to", "into", "that", "who", "which", "please", "?", "!", ".");

    private final SentenceEmbedder embedder;
    private final RuleBasedInstructionEngine phrases;
    private final List<LabelledInstruction> examples;
    private final float[][] exampleVectors;
    private final SoftmaxRegression model;

    /** With the examples' vectors and the category model already computed from them. */
    public LearnedInstructionEngine(SentenceEmbedder embedder, List<LabelledInstruction> examples,
            PrecomputedTraining trained, RuleBasedInstructionEngine phrases) {
        if (trained.vectors().length != examples.size()) {
            throw new IllegalArgumentException(trained.vectors().length + " vectors for " + examples.size()
                    + " examples");
        }
        this.embedder = embedder;
        this.phrases = phrases;
        this.examples = List.copyOf(examples);
        this.exampleVectors = trained.vectors();
        this.model = trained.model();
    }

    @Override
    public Classification understand(String instruction, ImageSize image) {
        InstructionCheck.check(instruction, embedder::wordPieces);
        Text parsed = Text.parse(instruction);
        String text = normalise(parsed, instruction);
        float[] v = embedder.embed(text);
        double[] p = model.probabilities(v);
        int best = IntStream.range(0, p.length).reduce((a, b) -> p[a] >= p[b] ? a : b).orElseThrow();
        Category category = CATEGORIES[best];
        String rule = null;
        Classification details = null;
        if (namesTheBackground(text)) {
            category = Category.BACKGROUND;
            rule = "the background is named as the thing to change";
        } else if (EVERYTHING_AROUND_A_SUBJECT.matcher(text).find()) {
            category = Category.BACKGROUND;
            rule = "everything around or but a subject is its background";
        } else if (REMOVAL_VERB.matcher(text).find()) {
            Classification removal = phrases.understandAs(parsed, Category.REMOVE, image);
            if (removal.object() != null && !DEGRADATIONS.contains(head(removal.object()))) {
                category = Category.REMOVE;
                rule = "a removal verb with a concrete object";
                details = removal;
            }
        }
        if (rule == null && category != Category.BACKGROUND) {
            String scene = SceneChange.rule(text);
            if (scene != null) {
                category = Category.BACKGROUND;
                rule = scene;
            }
        }
        if (details == null) {
            details = phrases.understandAs(parsed, category, image);
        }
        String object = resolveObject(details.object(), text, category);
        if (category == Category.LOCAL && rule == null && namesOnlyThePicture(object, text)) {
            category = Category.GLOBAL;
            rule = "the instruction names no object, only the picture itself";
            details = phrases.understandAs(parsed, category, image);
            object = null;
        } else if (category == Category.GLOBAL && rule == null) {
            Classification local = phrases.understandAs(parsed, Category.LOCAL, image);
            if (namesAThingToChange(local.object(), text)) {
                category = Category.LOCAL;
                rule = "a thing in the picture is named as the one to change";
                details = local;
                object = resolveObject(local.object(), text, category);
            }
        }
        List<String> others = object == null ? List.of() : otherObjects(text, object);
        Decision decision = new Decision(round(p[category.ordinal()]), nearest(v), rule, others.isEmpty() ? null : others);
        String target = details.targetPrompt();
        String negative = details.negativePrompt();
        if (category == Category.REMOVE && object != null && !object.equals(details.object())) {
            target = "the scene without the " + object + ", empty background";
            negative = object;
        }
        return new Classification(category, object, target, negative, details.placement(), ENGINE_NAME, decision);
    }

    static boolean namesTheBackground(String text) {
        Matcher m = BACKGROUND_WORD.matcher(text);
        while (m.find()) {
            String word = m.group();
            boolean background = word.equals("bg") || word.startsWith("backdrop")
                    || word.length() >= 8 && EditDistance.between(word.replaceAll("s$", ""), "background") <= 2;
            if (background && !BACKGROUND_AS_PLACE.matcher(text.substring(0, m.end())).find()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The form the model sees, in training and in use: the rules' normalisation (lower case, courtesy
     * dropped, a misspelt leading verb corrected), or the plain lower-cased text if nothing is left.
     */
    static String normalise(String instruction) {
        return normalise(Text.parse(instruction), instruction);
    }

    private static String normalise(Text parsed, String instruction) {
        String normalised = parsed.normalised();
        return normalised.isBlank() ? instruction.strip().toLowerCase(Locale.ROOT) : normalised;
    }

    /**
     * A local edit needs something to look for. When the instruction names nothing but the picture
     * ("make it black and white", "make the photo warmer") the whole image is the subject; a person
     * or a plural pronoun ("make them red"), or a picture word narrowed by a place or an exception,
     * still points at things in it; so does "the" or a possessive before anything but a picture word
     * when the phrase rules could not read the object ("paint the front door yellow"), unless it names
     * the result ("turn it into the anime style").
     */
    static boolean namesOnlyThePicture(String object, String text) {
        if (PICTURE_WORD_NARROWED.matcher(text).find()) {
            return false;
        }
        if (object != null) {
            String[] words = object.split(" ");
            for (int i = 0; i < words.length; i++) {
                boolean last = i == words.length - 1;
                if (!(last ? PICTURE_WORDS : WHOLE_WORDS).contains(words[i])) {
                    return false;
                }
            }
            return true;
        }
        String[] words = text.split("[^a-z']+");
        for (int i = 0; i < words.length; i++) {
            if (THING_PRONOUNS.contains(words[i]) || PERSON_PRONOUNS.contains(words[i])) {
                return false;
            }
            if (i + 1 < words.length && OWNERS.contains(words[i]) && !PICTURE_WORDS.contains(words[i + 1])
                    && !WHOLE_WORDS.contains(words[i + 1]) && (i == 0 || !RESULT_MARKS.contains(words[i - 1]))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The other side of {@link #namesOnlyThePicture}: a whole-picture answer for an instruction that opens
     * by naming one thing in the picture, with "the" or a possessive, as what to change ("make the car
     * matte black", "darken the jacket", "the woman's lipstick should be darker") is a local edit. Not when
     * a word of that phrase is the picture or a property of it ("boost the saturation", "elevate the light
     * levels", "make the whole picture ..."), and not for a thing named later ("explore the interplay of
     * light and shadow", "... and recover the highlights").
     */
    static boolean namesAThingToChange(String object, String text) {
        if (object == null || object.isBlank()) {
            return false;
        }
        for (String word : object.split(" ")) {
            if (PICTURE_WORDS.contains(word) || WHOLE_WORDS.contains(word) || DEGRADATIONS.contains(word)
                    || RuleBasedInstructionEngine.isPictureProperty(word)) {
                return false;
            }
        }
        return Pattern.compile("^(?:[a-z]+\\s+)?(?:" + String.join("|", OWNERS) + "|[a-z]+'s)\\s+"
                + Pattern.quote(object) + "\\b").matcher(text).find();
    }

    /** "remove him" is about a person; objects the whole image stands for are dropped. */
    private static String resolveObject(String object, String text, Category category) {
        if (category == Category.GLOBAL) {
            return null;
        }
        if (object == null || PERSON_PRONOUNS.contains(object)) {
            for (String word : text.split("[^a-z']+")) {
                if (PERSON_PRONOUNS.contains(word) && category != Category.ADD) {
                    return "person";
                }
            }
        }
        return object;
    }

    /** Further objects joined to the chosen one: "remove the sofa and the cushions" -> [cushions]. */
    static List<String> otherObjects(String text, String chosen) {
        int at = text.indexOf(chosen);
        if (at < 0) {
            return List.of();
        }
        List<String> words = List.of(text.substring(at + chosen.length()).replace(",", " , ").trim().split("\\s+"));
        List<String> others = new ArrayList<>();
        int i = 0;
        while (i < words.size() && CONJUNCTIONS.contains(words.get(i))) {
            i++;
            while (i < words.size() && (CONJUNCTIONS.contains(words.get(i)) || DETERMINERS.contains(words.get(i)))) {
                i++;
            }
            int start = i;
            while (i < words.size() && i - start < 3 && !PHRASE_ENDS.contains(words.get(i))
                    && !CONJUNCTIONS.contains(words.get(i))) {
                i++;
            }
            if (i == start) {
                break;
            }
            others.add(String.join(" ", words.subList(start, i)));
        }
        return others;
    }

    /** The most similar training examples: one pass over them, keeping the best few. */
    private List<Decision.Neighbour> nearest(float[] v) {
        int[] best = new int[NEIGHBOURS];
        double[] score = new double[NEIGHBOURS];
        java.util.Arrays.fill(score, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < exampleVectors.length; i++) {
            double s = SentenceEmbedder.similarity(v, exampleVectors[i]);
            for (int k = 0; k < NEIGHBOURS; k++) {
                if (s > score[k]) {
                    System.arraycopy(score, k, score, k + 1, NEIGHBOURS - k - 1);
                    System.arraycopy(best, k, best, k + 1, NEIGHBOURS - k - 1);
                    score[k] = s;
                    best[k] = i;
                    break;
                }
            }
        }
        List<Decision.Neighbour> out = new ArrayList<>();
        for (int k = 0; k < NEIGHBOURS && score[k] > Double.NEGATIVE_INFINITY; k++) {
            LabelledInstruction e = examples.get(best[k]);
            out.add(new Decision.Neighbour(e.instruction(), e.category(), round(score[k])));
        }
        return out;
    }

    private static String head(String phrase) {
        String[] words = phrase.split(" ");
        return words[words.length - 1];
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
