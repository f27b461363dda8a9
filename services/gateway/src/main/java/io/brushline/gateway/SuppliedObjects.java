package io.brushline.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Detection;
import io.brushline.common.stage.FailureCodes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The objects a dataset item names itself ({@code "objects": [{"box": [x1, y1, x2, y2], "label": "dog"}]}),
 * which the survey takes instead of running the detector. Their shape is checked with the manifest;
 * whether each box lies within the image is known only once the image is read.
 */
final class SuppliedObjects {

    static final int MAX_OBJECTS = 20;
    /** The label becomes part of "remove the ..." and "add a ...": a name, not a sentence. */
    static final int MAX_LABEL_LENGTH = 64;

    private SuppliedObjects() {
    }

    /** The objects as detections of score 1 (the client is sure of them); 400 invalid_hint saying what is wrong. */
    static List<Detection> parse(JsonNode objects) {
        if (!objects.isArray() || objects.isEmpty() || objects.size() > MAX_OBJECTS) {
            throw invalid("'objects' must be a list of 1 to " + MAX_OBJECTS + " objects such as {\"box\": [x1, y1, "
                    + "x2, y2], \"label\": \"dog\"}" + (objects.size() > MAX_OBJECTS ? "; it has " + objects.size()
                    : "") + " (leave it out for the detector to find the objects)");
        }
        List<Detection> parsed = new ArrayList<>();
        for (int k = 0; k < objects.size(); k++) {
            parsed.add(object(objects.get(k), "object " + k));
        }
        return parsed;
    }

    private static Detection object(JsonNode object, String which) {
        if (!object.isObject()) {
            throw invalid(which + " must be a JSON object such as {\"box\": [x1, y1, x2, y2], \"label\": \"dog\"}");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("box") && !name.equals("label")) {
                throw invalid(which + " has '" + name + "'; an object takes only 'box' and 'label'");
            }
        }
        JsonNode label = object.get("label");
        if (label == null || !label.isTextual() || label.asText().isBlank()) {
            throw invalid(which + " has no 'label': say what it is, such as \"dog\"");
        }
        if (label.asText().strip().length() > MAX_LABEL_LENGTH) {
            throw invalid(which + "'s label has " + label.asText().strip().length() + " characters; the limit is "
                    + MAX_LABEL_LENGTH);
        }
        JsonNode box = object.get("box");
        if (box == null || !box.isArray() || box.size() != 4 || !box.get(0).isNumber() || !box.get(1).isNumber()
                || !box.get(2).isNumber() || !box.get(3).isNumber()) {
            throw invalid(which + "'s 'box' must be four numbers [x1, y1, x2, y2] in pixels of the image");
        }
        Box parsed = new Box(corner(box, 0), corner(box, 1), corner(box, 2), corner(box, 3));
        if (parsed.x1() < 0 || parsed.y1() < 0 || parsed.isEmpty()) {
            throw invalid(which + "'s box " + box + " is empty or has a negative corner; give [x1, y1, x2, y2] with "
                    + "x1 < x2 and y1 < y2");
        }
        return new Detection(parsed, label.asText().strip(), 1.0);
    }

    private static int corner(JsonNode box, int i) {
        return (int) Math.round(box.get(i).asDouble());
    }

    /** Every box within the image as read; the image fails alone (invalid_hint) when one is not. */
    static void checkFit(List<Detection> objects, int width, int height) {
        for (int k = 0; k < objects.size(); k++) {
            Box box = objects.get(k).box();
            if (!box.fitsIn(width, height)) {
                throw invalid("object " + k + " (" + objects.get(k).label() + "): box [" + box.x1() + ", " + box.y1()
                        + ", " + box.x2() + ", " + box.y2() + "] is outside the " + width + "x" + height + " image");
            }
        }
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest(FailureCodes.INVALID_HINT, message);
    }
}
