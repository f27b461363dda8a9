package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What the painting step does to the masked region: an exact CPU operation from the catalogue
 * ({@link CpuOperation}) with its parameters, or a generative painter. Decided from the instruction
 * after the category (classifier); the painting stage records what actually ran.
 *
 * @param tier   {@link #CPU} or {@link #GENERATIVE}
 * @param name   the operation's name ({@link CpuOperation#wireName()}) or, once painted, the painter's
 * @param params the operation's parameters, as strings (colours as {@code #rrggbb})
 * @param note   something the user should know about how it ran (for example that a background image
 *               was scaled and cropped to cover the photo); may be null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Operation(String tier, String name, Map<String, String> params, String note) {

    public static final String CPU = "cpu";
    public static final String GENERATIVE = "generative";

    public static Operation cpu(CpuOperation operation, Map<String, String> params) {
        return new Operation(CPU, operation.wireName(), Map.copyOf(params), null);
    }

    public static Operation generative(String kind) {
        return new Operation(GENERATIVE, kind, Map.of(), null);
    }

    @JsonIgnore
    public boolean isCpu() {
        return CPU.equals(tier);
    }

    public Operation withNote(String value) {
        return new Operation(tier, name, params, value);
    }
}
