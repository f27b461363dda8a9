package io.brushline.classifier.rules;

import java.util.Set;

/** The word lists the rules reason with. Verbs are listed in their base form; see {@link Text#lemma}. */
final class Lexicon {

    private Lexicon() {
    }

    static final Set<String> REMOVE_VERBS = Set.of(
            "remove", "erase", "eliminate", "delete", "eradicate", "expunge", "exclude", "omit", "rid",
            "purge", "banish", "vanish", "evict", "expel", "annihilate", "obliterate", "nullify", "void",
            "disregard", "cleanse", "ditch", "discard", "scrub", "disappear", "dispose", "wipe",
            "abolish", "exterminate", "axe", "lose", "oust", "dismiss", "deleted", "disentangle", "dispel", "dissolve", "dissipate");

    /** Removal verbs that only remove together with a particle: "take out", "clear away", "cut out". */
    static final Set<String> REMOVE_PARTICLE_VERBS = Set.of("take", "clear", "cut", "strip", "get", "edit", "crop",
            "clean", "polish", "filter", "throw", "wash", "brush", "rub", "knock", "weed");

    static final Set<String> REMOVE_PARTICLES = Set.of("out", "away", "off", "rid");

    static final Set<String> ADD_VERBS = Set.of(
            "add", "place", "put", "insert", "introduce", "include", "incorporate", "position", "attach", "affix",
            "nestle", "bring", "integrate", "embed", "set", "rest", "tuck", "scatter", "sprinkle", "arrange",
            "install", "lay", "align", "glide", "append", "plant", "hang", "mount", "perch", "stick", "pop",
            "station", "situate", "draw", "spawn", "sit", "stand", "park", "float", "fly", "drape",
            "prop", "seat", "locate", "inject", "implant", "overlay", "superimpose", "slip", "slide", "wedge");

    /**
     * Verbs that take a subject somewhere else: "move the dog to a beach", "drop him into a diner".
     * Real words, so never "corrected" to a cue verb ("relocate" is two letters from "locate", "drop"
     * one from "crop").
     */
    static final Set<String> RELOCATE_VERBS = Set.of("put", "place", "position", "set", "stick", "pop",
            "plonk", "drop", "move", "relocate", "transplant", "transfer", "transport", "teleport", "send", "take",
            "bring", "shift", "show", "have", "get", "stand", "sit", "seat");

    /** Verbs that add what follows "with": "adorn the scene with three birds". */
    static final Set<String> ADD_WITH_VERBS = Set.of("adorn", "enrich", "enliven", "grace", "decorate", "fill",
            "furnish", "populate", "embellish", "augment", "complement", "liven", "dot", "accessorize");

    static final Set<String> REPLACE_VERBS = Set.of("replace", "swap", "substitute", "exchange", "switch", "trade",
            "interchange");

    static final Set<String> CHANGE_VERBS = Set.of("change", "turn", "transform", "convert", "make", "alter",
            "modify", "render", "morph", "become", "redo", "recreate", "reimagine", "revamp", "redesign", "remake",
            "transfigure", "refashion", "adapt", "adjust", "customize", "update", "revise", "rearrange", "rework",
            "edit", "set", "give", "let", "transport", "immerse", "infuse", "evoke", "craft", "create", "convey",
            "strip", "drench", "illuminate", "blend", "enter", "apply", "style", "stylize", "restyle", "depict",
            "show", "paint", "repaint", "recolor", "colour", "color", "dye", "tint", "tinge", "coat", "cover",
            "dress", "clothe", "opt", "choose", "pick", "use", "ensure", "adopt", "take", "shine", "have", "go");

    static final Set<String> COLORS = Set.of(
            "red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white", "gray", "grey",
            "silver", "gold", "golden", "violet", "beige", "turquoise", "cyan", "magenta", "maroon", "navy", "teal",
            "crimson", "scarlet", "indigo", "lavender", "cream", "ivory", "olive", "lime", "amber", "snowy",
            "emerald", "azure", "burgundy", "coral", "khaki", "mauve", "lilac", "bronze", "copper",
            "reddish", "bluish", "greenish", "yellowish", "pinkish", "colorful", "colourful");

    static final Set<String> HUE_WORDS = Set.of("color", "colour", "colors", "colours", "hue", "hues", "tint",
            "tints", "shade", "shades", "pigment", "pigments", "tone", "tones", "coloring", "colouring", "paint",
            "dye", "attire", "new");

    static final Set<String> COLOR_VERBS = Set.of("dye", "tint", "tinge", "recolor", "colour", "color", "blacken",
            "whiten", "redden", "yellow", "green", "blue", "brown", "gild", "bleach");

    /** The image as a whole: not an object. */
    static final Set<String> IMAGE_WORDS = Set.of("image", "images", "picture", "pictures", "photo", "photos",
            "photograph", "photographs", "pic", "pics", "shot", "frame", "it", "everything", "composition",
            "visual", "visuals", "view", "content", "scene", "whole", "entire", "overall", "this", "img", "canvas",
            "snapshot", "artwork", "landscape", "appearance", "look");

    static final Set<String> BACKGROUND_WORDS = Set.of("background", "backgrounds", "backdrop", "backdrops",
            "setting", "settings", "surroundings", "surrounding", "scenery", "environment", "environments", "bg",
            "behind", "backround", "backgound", "locale", "location", "venue", "milieu");

    /** Places a background can become: "change the lake to a desert" swaps the scene, not an object. */
    static final Set<String> SCENE_NOUNS = Set.of("beach", "seaside", "seashore", "shore", "coast", "ocean", "sea",
            "bedroom", "kitchen", "office", "room", "rainforest", "jungle", "forest", "woods", "desert", "street",
            "city", "cityscape", "town", "village", "mars", "moon", "space", "meadow", "field", "fields",
            "glacier", "mountains", "mountain", "snowland", "plain", "plains", "lake", "river", "park", "garden",
            "countryside", "savanna", "savannah", "prairie", "valley", "canyon", "island", "underwater", "sky",
            "skyline", "highway", "road", "farm", "snowfield", "tundra", "swamp", "cave", "library", "classroom",
            "stadium", "studio", "universe", "galaxy", "volcano", "waterfall", "harbor", "market", "alley",
            "hillside", "hills", "cliff", "dunes", "grassland", "wilderness", "arctic", "antarctica", "paris",
            "tokyo", "london", "new york", "castle", "palace");

    /** Words for a look of the whole image rather than a thing: "a snowy scene", "a jungle vista". */
    static final Set<String> SCENE_HEADS = Set.of("scene", "landscape", "vista", "ambiance", "ambience",
            "atmosphere", "setting", "environment", "panorama", "scenery", "backdrop", "surroundings");

    static final Set<String> STYLE_WORDS = Set.of("style", "styled", "styling", "stylized", "painting", "painterly",
            "watercolor", "watercolour", "oil", "sketch", "sketched", "cartoon", "cartoonish", "anime", "manga",
            "cyberpunk", "steampunk", "monochrome", "grayscale", "greyscale", "sepia", "vintage", "retro",
            "impressionist", "impressionism", "expressionist", "cubist", "cubism", "surreal", "surrealist",
            "pixel", "pixelated", "comic", "pencil", "charcoal", "pastel", "ukiyo", "gogh", "monet", "picasso",
            "ghibli", "pixar", "disney", "lego", "noir", "mosaic", "artistic", "art", "drawing", "illustration",
            "aesthetic", "aesthetics", "filter", "renaissance", "baroque", "gothic", "futuristic", "dystopia",
            "dystopian", "claymation", "origami", "crayon", "graffiti", "neon", "lowpoly", "vaporwave",
            "synthwave", "rembrandt", "dali", "warhol", "hokusai", "inspired", "rendering", "engraving", "woodcut",
            "etching", "fresco", "acrylic", "ink", "lithograph", "polaroid", "cinematic", "hdr", "toon", "3d");

    /** Seasons, weather and times of day: "turn it into winter" restyles the whole image. */
    static final Set<String> ATMOSPHERE_WORDS = Set.of("winter", "summer", "autumn", "fall", "spring", "night",
            "nighttime", "night-time", "sunset", "sunrise", "dawn", "dusk", "daytime", "day", "evening", "morning",
            "twilight", "snowy", "rainy", "foggy", "stormy", "sunny", "cloudy", "christmas", "halloween",
            "wintry", "wintertime", "midnight", "noon");

    /** What a restoration removes: these are never objects. */
    static final Set<String> DEGRADATIONS = Set.of("rain", "rains", "raindrop", "raindrops", "drizzle", "drizzly",
            "rainy", "rainfall", "droplets", "droplet", "watery", "downpour", "showers", "haze", "hazy", "hazes",
            "mist", "misty", "fog", "foggy", "smog", "dehaze", "blur", "blurry", "blurriness", "blurred",
            "blurring", "blurs", "deblur", "deblurring", "unblur", "noise", "noisy", "denoise", "denoising", "grain",
            "grainy", "graininess", "artifacts", "artefacts", "distortion", "distortions", "snow", "snowflakes",
            "snowfall", "snowy", "derain", "desnow", "defog", "speckles", "jpeg", "compression", "veil", "obscured",
            "murky", "murkiness", "dusty", "cloudiness", "smudge", "smudges", "fuzziness", "fuzzy", "shake",
            "motion", "defocus", "static", "specks", "streaks", "disruptions", "wet", "wetness", "precipitation", "haziness", "mistiness", "fuzz", "smearing", "smear", "softness", "imperfections", "imperfection", "interference", "obstruction", "rainwater", "atmospheric", "dampness", "moisture", "sleet", "hail");

    /** Verbs that by themselves restore the whole image. */
    static final Set<String> RESTORE_VERBS = Set.of("dehaze", "deblur", "denoise", "derain", "desnow", "defog",
            "sharpen", "unblur", "declutter", "restore", "deveil", "clarify", "purify", "resurrect", "refocus",
            "brighten", "illuminate", "lighten", "enhance", "improve", "optimize", "optimise", "boost", "polish",
            "refine", "increase", "augment", "heighten", "intensify", "elevate", "amplify", "maximize",
            "maximise", "enliven", "enrich", "reinforce", "advance", "fine", "raise", "strengthen", "fix",
            "correct", "retouch", "upscale", "clean", "unveil", "extract", "reveal", "recover", "clear");

    /** Qualities a restoration improves: light, sharpness and clarity of the whole image. */
    static final Set<String> QUALITY_WORDS = Set.of("brightness", "bright", "brighter", "illumination", "luminosity",
            "luminance", "radiance", "glow", "brilliance", "light", "lighting", "lights", "exposure", "lowlight",
            "low", "dark", "darkness", "dim", "dimness", "underexposed", "sharpness", "sharp", "sharper", "focus",
            "clarity", "clear", "clearer", "visibility", "quality", "details", "detail", "crisp", "crispness",
            "definition", "resolution", "vibrance", "appeal", "pristine", "cleaner", "refined", "polished",
            "features", "illuminating", "contrast", "gloom", "gloomy", "shadows", "light-levels", "luminous",
            "vividness", "vivid", "saturation");

    /** Words that point at something the client marked instead of naming it. */
    static final Set<String> POINTING_PRONOUNS = Set.of("this", "that", "it", "them", "these", "those");

    static final Set<String> DETERMINERS = Set.of("the", "a", "an", "any", "all", "some", "every", "each", "this",
            "that", "these", "those", "both", "his", "her", "their", "its", "my", "our", "your", "another", "one",
            "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "few",
            "several", "many", "couple", "pair", "bunch", "group", "number", "lot", "lots", "more", "extra",
            "additional", "other", "second", "single", "dozen", "multiple", "various", "traces", "trace", "of",
            "instances", "signs", "existing", "visible", "remaining", "presence", "essence", "gathering", "flock", "herd", "handful", "crowd", "cluster", "trio", "collection", "swarm", "batch", "assortment", "array", "variety");

    static final Set<String> NUMBERS = Set.of("a", "an", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten", "eleven", "twelve", "several", "few", "many", "some", "couple", "dozen",
            "multiple", "pair");

    /** Nouns that keep "of" inside a phrase: "a cup of coffee", "a flock of birds". */
    static final Set<String> PARTITIVES = Set.of("cup", "glass", "pair", "bunch", "group", "piece", "slice", "bowl",
            "plate", "herd", "flock", "pack", "stack", "pile", "bottle", "box", "bag", "basket", "vase", "jar",
            "can", "loaf", "bouquet", "school", "swarm", "crowd", "team", "row", "set", "collection",
            "handful", "sheet", "couple", "mug", "pot", "cluster", "family", "string", "statue", "portrait",
            "painting", "sculpture", "model", "tower", "pool", "field", "line", "bar", "ball");

    /** Words that end a noun phrase. */
    static final Set<String> PHRASE_STOPS = Set.of("to", "into", "from", "in", "on", "onto", "with", "for", "at",
            "by", "of", "near", "next", "beside", "besides", "behind", "under", "underneath", "below", "above",
            "beneath", "over", "inside", "within", "around", "amidst", "amid", "among", "amongst", "between",
            "atop", "across", "along", "alongside", "against", "toward", "towards", "upon", "and", "or", "but",
            "is", "are", "was", "were", "be", "being", "been", "should", "must", "shall", "ought", "needs",
            "need", "will", "would", "can", "could", "may", "might", "has", "have", "had", "so", "that", "which",
            "who", "while", "where", "as", "than", "then", "please", "depicted", "shown", "visible", "present",
            "appearing", "seen", "located", "positioned", "placed", "sitting", "standing", "there", "if", "because",
            "instead", "using", "via", "through", "without", "like", "resembling", "completely", "entirely",
            "altogether", "thanks", "thank", "now", "too", "also", "again", ",", "?", "!", "off", "out", "away",
            "up", "down", "nicely", "gently", "carefully", "quickly", "here", "does", "do", "doesn't", "isn't",
            "aren't", "gets", "get", "go", "goes", "turn", "turns", "become", "becomes", "look", "looks",
            "appear", "appears", "vanish", "vanishes", "disappear", "disappears", "it", "us", "me", "throughout", "not", "feature", "contain", "contains", "include", "includes", "show", "shows", "remain", "remains", "gone", "anymore", "exist", "exists", "left");

    /** Restoration verbs that name their degradation: "dehaze the photo". */
    static final Set<String> DEGRADATION_VERBS = Set.of("dehaze", "deblur", "denoise", "derain", "desnow", "defog",
            "unblur", "deveil", "sharpen", "declutter");

    /** Positions that are not things: "to the left of", "in the middle". */
    static final Set<String> SPATIAL_WORDS = Set.of("left", "right", "top", "bottom", "side", "sides", "center",
            "centre", "middle", "front", "corner", "corners", "edge", "edges", "foreground", "upper", "lower",
            "part", "area", "areas", "portion", "region", "half", "spot", "place", "back", "rear");

    /** What an ADD of which is really a whole-image look: "add a vintage filter". */
    static final Set<String> EFFECT_WORDS = Set.of("filter", "effect", "effects", "style", "look", "tone", "vibe",
            "feel", "aesthetic", "mood", "atmosphere", "ambiance", "ambience", "lighting", "glow", "touch");

    /** Abstract nouns of artistic or atmospheric talk: "evoke a sense of", "the beauty of". */
    static final Set<String> ABSTRACT_NOUNS = Set.of("beauty", "depth", "depths", "sense", "narrative", "story",
            "emotion", "emotions", "mood", "feeling", "essence", "texture", "textures", "details", "nuances",
            "simplicity", "elegance", "contrast", "contrasts", "drama", "timelessness", "fluidity", "transparency",
            "serenity", "tranquility", "world", "realm", "dimension", "dimensionality", "movement", "statement",
            "effect", "effects", "vibe", "charm", "allure", "richness", "layers", "strokes", "washes", "medium",
            "technique", "techniques", "viewer", "elements", "element", "atmosphere", "weather", "influence",
            "aura", "presence", "artistry", "spontaneity", "intrigue", "ambiance", "ambience", "feel", "vista",
            "expression", "energy", "spirit", "touch", "magic", "glory", "splendor", "character", "identity",
            "imperfections", "flaws", "season", "seasons", "time", "timing", "era", "period",
            // what a degradation looks like: "the rain particles", "the misty layer", "snow-covered portions"
            "overlay", "overlays", "shroud", "layer", "splatters", "splatter", "particles", "film", "coating",
            "spots", "flakes", "traces", "remnants", "residue", "patches", "covering", "drops", "marks",
            "sections", "portions", "parts",
            // processes rather than things: "through noise removal"
            "removal", "reduction", "correction", "cleanup", "enhancement", "restoration", "processing");

    /** Materials and finishes that describe a changed object: "turn the table into marble". */
    static final Set<String> MATERIALS = Set.of("wooden", "wood", "metal", "metallic", "glass", "gold", "golden",
            "silver", "marble", "stone", "ice", "plastic", "paper", "leather", "wool", "woolen", "velvet", "crystal",
            "steel", "bronze", "copper", "clay", "rubber", "concrete", "brick", "fur", "furry", "denim", "silk",
            "chocolate", "diamond", "ceramic", "porcelain", "transparent", "striped", "dotted", "checkered",
            "rusty", "shiny", "matte", "frozen", "burnt", "old", "new", "broken", "cardboard", "lego", "neon");

    /** Nouns that end in -ing, which otherwise reads as a participle after a noun ("a dog sitting"). */
    static final Set<String> ING_NOUNS = Set.of("painting", "building", "ring", "ceiling", "clothing", "king",
            "wing", "string", "swing", "earring", "frosting", "icing", "stuffing", "wedding", "pudding",
            "lightning", "evening", "morning", "railing", "awning", "sling", "spring", "sibling", "seedling",
            "duckling", "dumpling", "drawing", "carving", "sing", "thing", "bedding", "siding", "topping");

    /** Nouns before "can": "trash can", not the auxiliary. */
    static final Set<String> CAN_COMPOUNDS = Set.of("trash", "garbage", "rubbish", "soda", "beer", "tin",
            "watering", "paint", "spray", "oil", "milk");

    /** Words that qualify a following colour: "light blue", "dark green". */
    static final Set<String> COLOR_MODIFIERS = Set.of("light", "dark", "pale", "bright", "deep", "vivid", "pastel",
            "neon", "hot", "soft", "dusty", "muted");

    static final Set<String> AUXILIARIES = Set.of("is", "are", "be", "should", "must", "shall", "ought", "needs",
            "need", "will", "would", "can", "could", "may", "might", "has", "have", "to", "get", "gets", "been");
}
