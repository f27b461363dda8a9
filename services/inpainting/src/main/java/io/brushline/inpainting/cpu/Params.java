package io.brushline.inpainting.cpu;

import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.util.Map;
import org.opencv.core.Scalar;

/** An operation's parameters as sent on the wire (strings), read with defaults and checked ranges. */
record Params(Map<String, String> values) {

    Params {
        values = values == null ? Map.of() : values;
    }

    double number(String name, double fallback, double min, double max) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the allowed range
        }
        throw new StageFailure(FailureCodes.INVALID_HINT, "the parameter " + name + " is " + raw
                + "; it must be a number from " + min + " to " + max);
    }

    /** A {@code #rrggbb} colour as a BGR scalar. */
    Scalar colour(String name) {
        String raw = values.get(name);
        if (raw == null || !raw.matches("#[0-9a-fA-F]{6}")) {
            throw new StageFailure(FailureCodes.INVALID_HINT, "the operation needs a colour (#rrggbb), not " + raw);
        }
        int rgb = Integer.parseInt(raw.substring(1), 16);
        return new Scalar(rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff);
    }
}
