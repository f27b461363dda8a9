package io.brushline.inpainting;

import io.brushline.common.messages.Category;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which painter paints each category. {@code AUTO} means: REMOVE uses the inpainting model when one is
 * configured and the classical fill otherwise; LOCAL and BACKGROUND need the inpainting model; ADD uses
 * the inpainting model on the proposed box, or the instruction model; GLOBAL needs the instruction
 * model, because repainting the whole image with an inpainting model would not keep its structure.
 */
public final class PainterRegistry {

    private final Map<Category, Painter> painters = new EnumMap<>(Category.class);
    private final Map<Category, String> refusals = new EnumMap<>(Category.class);

    /**
     * @param choices     the configured choice per category
     * @param classical   the classical fill
     * @param inpainting  the masked-inpainting model, when configured
     * @param instruction the mask-free instruction model, when configured
     */
    public PainterRegistry(Map<Category, PainterChoice> choices, Painter classical, Optional<Painter> inpainting,
            Optional<Painter> instruction) {
        for (Category category : Category.values()) {
            PainterChoice choice = choices.getOrDefault(category, PainterChoice.AUTO);
            Optional<Painter> painter = switch (choice) {
                case AUTO -> automatic(category, classical, inpainting, instruction);
                case CLASSICAL -> Optional.of(classical);
                case INPAINTING -> inpainting;
                case INSTRUCTION -> instruction;
                case NONE -> Optional.empty();
            };
            painter.ifPresentOrElse(p -> painters.put(category, p),
                    () -> refusals.put(category, refusal(category, choice)));
        }
    }

    private static Optional<Painter> automatic(Category category, Painter classical, Optional<Painter> inpainting,
            Optional<Painter> instruction) {
        return switch (category) {
            case REMOVE -> inpainting.or(() -> Optional.of(classical));
            case LOCAL, BACKGROUND -> inpainting;
            case ADD -> inpainting.or(() -> instruction);
            case GLOBAL -> instruction;
        };
    }

    private static String refusal(Category category, PainterChoice choice) {
        String edits = category.name() + " edits";
        return switch (choice) {
            case NONE -> edits + " are disabled on this service (brushline.inpainting.painter."
                    + category.name().toLowerCase(Locale.ROOT) + "=none)";
            case INSTRUCTION -> edits + " are configured to use the instruction model and none is configured"
                    + " (set brushline.inpainting.instruction.model-dir)";
            case INPAINTING -> edits + " are configured to use the inpainting model and none is configured"
                    + " (set brushline.inpainting.diffusion.model-dir)";
            default -> switch (category) {
                case GLOBAL -> edits + " need a generative instruction-editing model and none is configured"
                        + " (set brushline.inpainting.instruction.model-dir)";
                case ADD -> edits + " need a generative inpainting or instruction-editing model and none is"
                        + " configured (set brushline.inpainting.diffusion.model-dir or"
                        + " brushline.inpainting.instruction.model-dir)";
                default -> edits + " need a generative inpainting model and none is configured"
                        + " (set brushline.inpainting.diffusion.model-dir)";
            };
        };
    }

    /** The painter for the category, or a {@link StageFailure} that says why there is none. */
    public Painter forCategory(Category category) {
        Painter painter = painters.get(category);
        if (painter == null) {
            throw new StageFailure(FailureCodes.NO_PAINTER, refusals.get(category));
        }
        return painter;
    }
}
