package io.brushline.common.messages;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The catalogue of exact CPU operations, by category: the contract between the planner that chooses
 * one (classifier) and the CPU painter that runs it (painting service). Parameters are listed with
 * the operation's implementation.
 */
public enum CpuOperation {
    GREYSCALE(Category.GLOBAL),
    SEPIA(Category.GLOBAL),
    TEMPERATURE(Category.GLOBAL),
    BRIGHTNESS(Category.GLOBAL),
    CONTRAST(Category.GLOBAL),
    EXPOSURE(Category.GLOBAL),
    AUTO_LEVELS(Category.GLOBAL),
    LOW_LIGHT(Category.GLOBAL),
    DENOISE(Category.GLOBAL),
    DEHAZE(Category.GLOBAL),
    SHARPEN(Category.GLOBAL),
    STYLIZATION(Category.GLOBAL),
    PENCIL_SKETCH(Category.GLOBAL),
    EDGE_PRESERVING(Category.GLOBAL),
    OIL_PAINTING(Category.GLOBAL),
    CARTOON(Category.GLOBAL),
    RECOLOUR(Category.LOCAL),
    DESATURATE(Category.LOCAL),
    BLUR(Category.LOCAL),
    PIXELATE(Category.LOCAL),
    BACKGROUND_BLUR(Category.BACKGROUND),
    BACKGROUND_GREYSCALE(Category.BACKGROUND),
    BACKGROUND_COLOUR(Category.BACKGROUND),
    BACKGROUND_TRANSPARENT(Category.BACKGROUND),
    BACKGROUND_IMAGE(Category.BACKGROUND);

    private final Category category;

    CpuOperation(Category category) {
        this.category = category;
    }

    /** The category whose mask the operation works in. */
    public Category category() {
        return category;
    }

    /** The name on the wire and in the job record: lower case with dashes ({@code pencil-sketch}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<CpuOperation> fromWireName(String name) {
        return Arrays.stream(values()).filter(op -> op.wireName().equals(name)).findFirst();
    }
}
