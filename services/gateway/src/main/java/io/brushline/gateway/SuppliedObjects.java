package io.brushline.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.SuppliedObject;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.storage.ObjectKeys;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The objects a dataset item names itself ({@code "objects": [{"box": [x1, y1, x2, y2], "label": "dog"}]},
 * or with {@code "mask_url"} instead of or besides the box), which the survey takes instead of running the
 * detector. Their shape is checked with the manifest; whether each box lies within the image, and whether
 * each mask can be fetched and has the image's size, is known only once the image is read.
 */
final class SuppliedObjects {

    static final int MAX_OBJECTS = 20;
    /** The label becomes part of "remove the ..." and "add a ...": a name, not a sentence. */
    static final int MAX_LABEL_LENGTH = 64;

    private static final String EXAMPLE = "{\"box\": [x1, y1, x2, y2], \"label\": \"dog\"} or {\"mask_url\": "
            + "\"https://...\", \"label\": \"dog\"}";

    /** An object as the client gave it: a label and a box, a mask URL, or both. */
    record Given(String label, Box box, String maskUrl) {

        /** As stored with dataset {@code datasetId}: the mask, once fetched, lies under its own key. */
        SuppliedObject stored(String datasetId, int image, int object) {
            return new SuppliedObject(label, box, maskUrl == null ? null
                    : ObjectKeys.datasetSuppliedMask(datasetId, image, object));
        }
    }

    private SuppliedObjects() {
    }

    /** The objects as given; 400 invalid_hint saying what is wrong. */
    static List<Given> parse(JsonNode objects) {
        if (!objects.isArray() || objects.isEmpty() || objects.size() > MAX_OBJECTS) {
            throw invalid("'objects' must be a list of 1 to " + MAX_OBJECTS + " objects such as " + EXAMPLE
                    + (objects.size() > MAX_OBJECTS ? "; it has " + objects.size() : "")
                    + " (leave it out for the detector to find the objects)");
        }
        List<Given> parsed = new ArrayList<>();
        for (int k = 0; k < objects.size(); k++) {
            parsed.add(object(objects.get(k), "object " + k));
        }
        return parsed;
    }

    private static Given object(JsonNode object, String which) {
        if (!object.isObject()) {
            throw invalid(which + " must be a JSON object such as " + EXAMPLE);
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("box") && !name.equals("label") && !name.equals("mask_url")) {
                throw invalid(which + " has '" + name + "'; an object takes only 'label', 'box' and 'mask_url'");
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
        JsonNode maskUrl = object.get("mask_url");
        if (maskUrl != null && (!maskUrl.isTextual() || maskUrl.asText().isBlank())) {
            throw invalid(which + "'s 'mask_url' must be the URL of a mask image (white where the object is)");
        }
        JsonNode box = object.get("box");
        if (box == null && maskUrl == null) {
            throw invalid(which + " has neither 'box' nor 'mask_url': give where the object is");
        }
        return new Given(label.asText().strip(), box == null ? null : box(box, which),
                maskUrl == null ? null : maskUrl.asText().strip());
    }

    private static Box box(JsonNode box, String which) {
        if (!box.isArray() || box.size() != 4 || !box.get(0).isNumber() || !box.get(1).isNumber()
                || !box.get(2).isNumber() || !box.get(3).isNumber()) {
            throw invalid(which + "'s 'box' must be four numbers [x1, y1, x2, y2] in pixels of the image");
        }
        Box parsed = new Box(corner(box, 0), corner(box, 1), corner(box, 2), corner(box, 3));
        if (parsed.x1() < 0 || parsed.y1() < 0 || parsed.isEmpty()) {
            throw invalid(which + "'s box " + box + " is empty or has a negative corner; give [x1, y1, x2, y2] with "
                    + "x1 < x2 and y1 < y2");
        }
        return parsed;
    }

    private static int corner(JsonNode box, int i) {
        return (int) Math.round(box.get(i).asDouble());
    }

    /** Every box within the image as read; the image fails alone (invalid_hint) when one is not. */
    static void checkFit(List<Given> objects, int width, int height) {
        for (int k = 0; k < objects.size(); k++) {
            Box box = objects.get(k).box();
            if (box != null && !box.fitsIn(width, height)) {
                throw invalid(describe(objects, k) + ": box [" + box.x1() + ", " + box.y1() + ", " + box.x2() + ", "
                        + box.y2() + "] is outside the " + width + "x" + height + " image");
            }
        }
    }

    /** "object 2 (dog)": how a message names an object. */
    static String describe(List<Given> objects, int k) {
        return "object " + k + " (" + objects.get(k).label() + ")";
    }

    static ApiException invalid(String message) {
        return ApiException.badRequest(FailureCodes.INVALID_HINT, message);
    }
}
