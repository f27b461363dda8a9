package io.brushline.classifier.operations;

import io.brushline.common.messages.Category;
import io.brushline.common.messages.CpuOperation;
import io.brushline.common.messages.Operation;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Chooses the painting operation once the category is decided: an exact CPU operation from the
 * catalogue ({@link CpuOperation}) when the instruction asks for one ("black and white", "make the car
 * red", "blur the background"), otherwise the generative painter of the category, which makes new
 * content ("make it winter", "add a hat", "turn the cat into a tiger").
 *
 * <p>Rules, not a model: each CPU operation is recognised by the words that name it, looked for in
 * the order of the lists below so that the more specific wording wins ("black and white background"
 * is greyscale, not a white background). Anything the rules do not recognise goes to the generative
 * tier, so a miss costs a GPU job, never a wrong edit.
 */
@ApplicationScoped
public class OperationPlanner {

    /** A CPU operation and the words that ask for it, with the parameters those words imply. */
    private record Rule(CpuOperation operation, Pattern words, Map<String, String> params) {

        static Rule of(CpuOperation operation, String regex, String... params) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < params.length; i += 2) {
                values.put(params[i], params[i + 1]);
            }
            return new Rule(operation, Pattern.compile("\\b(" + regex + ")"), Map.copyOf(values));
        }
    }

    private static final String MONOCHROME = "black[- ]?(and|&|n)[- ]?white|b ?& ?w|gr[ae]y ?scale|monochrom|desaturat"
            + "|colou?rless|remove (the |all )?colou?r|without colou?r";

    /**
     * Whole-image edits that need new content even when they also use a filter's words: styles named
     * after a painter, a film or a genre (an OpenCV filter does not paint like Van Gogh), and weather,
     * season or time of day ("clear the rain for clarity" is not a sharpening).
     */
    private static final Pattern NEEDS_GENERATION = Pattern.compile("\\b(van gogh|monet|picasso|dali|rembrandt"
            + "|cezanne|ghibli|pixar|disney|anime|manga|cyberpunk|steampunk|ukiyo|lego|minecraft|pixel art|pop art"
            + "|rain|snow|winter|summer|autumn|spring|night|sunset|sunrise|season|weather)");

    private static final List<Rule> GLOBAL = List.of(
            Rule.of(CpuOperation.GREYSCALE, MONOCHROME),
            Rule.of(CpuOperation.SEPIA, "sepia|vintage|old[- ]fashioned|old photo|antique|retro|aged photo"),
            Rule.of(CpuOperation.PENCIL_SKETCH, "pencil|sketch|charcoal|line drawing|drawing"),
            Rule.of(CpuOperation.OIL_PAINTING, "oil[- ]paint"),
            Rule.of(CpuOperation.CARTOON, "cartoon|comic"),
            Rule.of(CpuOperation.STYLIZATION, "watercolou?r|styli[sz]|painterly|painting"),
            Rule.of(CpuOperation.EDGE_PRESERVING, "smooth|soften|airbrush"),
            Rule.of(CpuOperation.DEHAZE, "de-?haz|haz[ey]|haziness|fog|mist|smog"),
            Rule.of(CpuOperation.DENOISE, "de-?nois|noise|noisy|grain"),
            Rule.of(CpuOperation.SHARPEN, "sharp|de-?blur|blur|focus|fuzz|crisp|clarity|clearer|definition"),
            Rule.of(CpuOperation.LOW_LIGHT, "low[- ]light|too dark|underexposed|dim|dark (photo|image|picture)"
                    + "|illuminat|luminos|luminance|lighting|light levels|radiance"),
            Rule.of(CpuOperation.EXPOSURE, "overexposed|too bright|washed out", "stops", "-0.7"),
            Rule.of(CpuOperation.EXPOSURE, "exposure", "stops", "0.7"),
            Rule.of(CpuOperation.CONTRAST, "(less|lower|reduce|decrease)( the)? contrast|flatter", "factor", "0.75"),
            Rule.of(CpuOperation.CONTRAST, "contrast|punch", "factor", "1.3"),
            Rule.of(CpuOperation.TEMPERATURE, "warm", "shift", "20"),
            Rule.of(CpuOperation.TEMPERATURE, "cool|cold tone|colder tone|blue tone", "shift", "-20"),
            Rule.of(CpuOperation.BRIGHTNESS, "darken|darker", "amount", "-0.15"),
            Rule.of(CpuOperation.BRIGHTNESS, "bright|lighten|lighter", "amount", "0.15"),
            Rule.of(CpuOperation.AUTO_LEVELS, "auto[- ]?(level|enhance|contrast|correct)|enhance|improve|vivid"
                    + "|colou?r correct|balance"));

    private static final List<Rule> LOCAL = List.of(
            Rule.of(CpuOperation.PIXELATE, "pixel|mosaic|censor"),
            Rule.of(CpuOperation.BLUR, "blur|obscure|anonymi[sz]|hide|fuzz"),
            Rule.of(CpuOperation.DESATURATE, MONOCHROME));

    private static final List<Rule> BACKGROUND = List.of(
            Rule.of(CpuOperation.BACKGROUND_TRANSPARENT, "transparen|cut ?out|alpha|remove the (back|backdrop)"
                    + "|no (back|backdrop)|without (a |the )?(back|backdrop)"),
            Rule.of(CpuOperation.BACKGROUND_BLUR, "blur|bokeh|out of focus|defocus|soft focus"),
            Rule.of(CpuOperation.BACKGROUND_GREYSCALE, MONOCHROME));

    /** Asking for a thing rather than a colour: "into a tiger", "replace ... with", "made of". */
    private static final Pattern REPLACEMENT = Pattern.compile("\\b(replace|swap|into (a|an|the)|like (a|an|the)"
            + "|made of|texture)\\b");

    private final NamedColours colours;

    public OperationPlanner() {
        this(new NamedColours());
    }

    OperationPlanner(NamedColours colours) {
        this.colours = colours;
    }

    /**
     * @param backgroundImageSupplied whether the client sent an image to put behind the subject
     */
    public Operation plan(String instruction, Category category, boolean backgroundImageSupplied) {
        String text = instruction.toLowerCase(Locale.ROOT);
        Optional<Operation> cpu = switch (category) {
            case GLOBAL -> NEEDS_GENERATION.matcher(text).find() ? Optional.empty() : firstRule(GLOBAL, text);
            case LOCAL -> firstRule(LOCAL, text).or(() -> recolour(text));
            case BACKGROUND -> backgroundImageSupplied
                    ? Optional.of(Operation.cpu(CpuOperation.BACKGROUND_IMAGE, Map.of()))
                    : firstRule(BACKGROUND, text).or(() -> solidBackground(text));
            case ADD, REMOVE -> Optional.empty();
        };
        return cpu.orElseGet(() -> Operation.generative(generativeKind(category)));
    }

    private static Optional<Operation> firstRule(List<Rule> rules, String text) {
        return rules.stream().filter(rule -> rule.words().matcher(text).find()).findFirst()
                .map(rule -> Operation.cpu(rule.operation(), rule.params()));
    }

    /** "make the car red", "dye the shirt dark blue", "#1e90ff"; not "turn the cat into a tiger". */
    private Optional<Operation> recolour(String text) {
        if (REPLACEMENT.matcher(text).find()) {
            return Optional.empty();
        }
        return colours.find(text).map(found -> Operation.cpu(CpuOperation.RECOLOUR,
                Map.of("colour", found.hex(), "colour_name", found.phrase())));
    }

    /** "make the background white", "a grey backdrop"; "change the background to a beach" is generative. */
    private Optional<Operation> solidBackground(String text) {
        if (REPLACEMENT.matcher(text).find()) {
            return Optional.empty();
        }
        return colours.find(text).map(found -> Operation.cpu(CpuOperation.BACKGROUND_COLOUR,
                Map.of("colour", found.hex(), "colour_name", found.phrase())));
    }

    /** The painter a category goes to when no CPU operation does the edit (see the painting service). */
    static String generativeKind(Category category) {
        return switch (category) {
            case GLOBAL -> "instruction-edit";
            case ADD -> "inpaint-add";
            case REMOVE -> "removal";
            case LOCAL, BACKGROUND -> "inpaint";
        };
    }
}
