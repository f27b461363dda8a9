package io.brushline.classifier.operations;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Colours named in an instruction: the CSS named colours ({@code navy}, {@code dodgerblue}, also
 * written apart as "dodger blue"), a shade word before a colour ("dark purple", "light red"), and hex
 * codes ({@code #1e90ff}, {@code #19f}). The table is CSS Color Level 4, read from
 * {@code css-colours.tsv}.
 */
public final class NamedColours {

    /** A colour found in text: how it was written and its sRGB value as {@code #rrggbb}. */
    public record Found(String phrase, String hex) {
    }

    private static final Pattern HEX = Pattern.compile("#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\\b");
    private static final Pattern WORD = Pattern.compile("[a-z]+");
    private static final int LONGEST_NAME_WORDS = 3;
    /** Shade words and how far they move lightness: toward black (negative) or white (positive). */
    private static final Map<String, Double> SHADES = Map.of(
            "dark", -0.35, "deep", -0.35, "light", 0.45, "pale", 0.45, "bright", 0.15);
    /** A colour word after an article names a thing ("an orange", "a navy"), not a colour... */
    private static final List<String> ARTICLES = List.of("a", "an");
    /** ...unless a word for colour follows: "a green tint", "a black hue". */
    private static final Pattern COLOUR_NOUNS = Pattern.compile("tint|hue|shade|colou?r|tone|pigment|paint|coat|finish");

    private final Map<String, String> table;

    public NamedColours() {
        this.table = load();
    }

    /** The first colour the text names, if any. */
    public Optional<Found> find(String text) {
        Matcher hex = HEX.matcher(text);
        if (hex.find()) {
            return Optional.of(new Found(hex.group(), expand(hex.group(1))));
        }
        List<String> words = WORD.matcher(text.toLowerCase(Locale.ROOT)).results().map(m -> m.group()).toList();
        for (int i = 0; i < words.size(); i++) {
            if (i > 0 && ARTICLES.contains(words.get(i - 1))
                    && (i + 1 >= words.size() || !COLOUR_NOUNS.matcher(words.get(i + 1)).matches())) {
                continue;
            }
            Optional<Found> found = nameAt(words, i);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The longest colour name starting at word {@code i}, or a shade word followed by one. */
    private Optional<Found> nameAt(List<String> words, int i) {
        for (int n = Math.min(LONGEST_NAME_WORDS, words.size() - i); n >= 1; n--) {
            List<String> phrase = words.subList(i, i + n);
            String hex = table.get(String.join("", phrase));
            if (hex != null) {
                return Optional.of(new Found(String.join(" ", phrase), hex));
            }
        }
        Double shade = SHADES.get(words.get(i));
        if (shade != null && i + 1 < words.size()) {
            return nameAt(words, i + 1).map(base -> new Found(words.get(i) + " " + base.phrase(),
                    shaded(base.hex(), shade)));
        }
        return Optional.empty();
    }

    /** Mixes the colour with black (negative amount) or white (positive). */
    static String shaded(String hex, double amount) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        int target = amount < 0 ? 0 : 255;
        double t = Math.abs(amount);
        int r = (int) Math.round(((rgb >> 16) & 0xff) * (1 - t) + target * t);
        int g = (int) Math.round(((rgb >> 8) & 0xff) * (1 - t) + target * t);
        int b = (int) Math.round((rgb & 0xff) * (1 - t) + target * t);
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    private static String expand(String digits) {
        String lower = digits.toLowerCase(Locale.ROOT);
        if (lower.length() == 6) {
            return "#" + lower;
        }
        StringBuilder out = new StringBuilder("#");
        for (char c : lower.toCharArray()) {
            out.append(c).append(c);
        }
        return out.toString();
    }

    private static Map<String, String> load() {
        var stream = NamedColours.class.getResourceAsStream("css-colours.tsv");
        if (stream == null) {
            throw new IllegalStateException("css-colours.tsv is missing from the classifier");
        }
        Map<String, String> names = new HashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            reader.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
                String[] parts = line.split("\t");
                names.put(parts[0], parts[1]);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(names);
    }
}
