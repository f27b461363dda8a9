package io.brushline.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An object of a dataset image that you name yourself (one the detector does not know, or a box drawn
 * by hand); the survey of that image takes its supplied objects instead of running the detector. It is
 * where the object is: a box, a mask the gateway fetches, or both (the gateway derives the box of a
 * mask given alone). Sent as {@code {"label", "box": [x1, y1, x2, y2], "mask_url"}}.
 *
 * @param label what the object is, such as "dog": it becomes "remove the dog" and "add a dog ..."
 * @param box the box around it, in pixels of the image (or null)
 * @param maskUrl an http(s) URL of a mask image of the same size as the photo, white on the object (or null)
 */
public record SuppliedObject(String label, Box box, String maskUrl) {

    /** A box in pixels of the image; x2 and y2 exclusive. */
    public record Box(int x1, int y1, int x2, int y2) {
        public Box {
            EditRequest.Builder.checkBox(x1, y1, x2, y2);
        }
    }

    public SuppliedObject {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("a supplied object needs a label that says what it is, such as \"dog\"");
        }
        if (box == null && maskUrl == null) {
            throw new IllegalArgumentException("the supplied object \"" + label + "\" needs a box, a mask URL or both");
        }
        if (maskUrl != null) {
            DatasetRequest.checkHttpUrl("a mask URL", maskUrl);
        }
    }

    /** An object in a box, {@code x1,y1,x2,y2} in pixels of the image. */
    public static SuppliedObject box(String label, int x1, int y1, int x2, int y2) {
        return new SuppliedObject(label, new Box(x1, y1, x2, y2), null);
    }

    /** An object given by its mask, which the gateway fetches from {@code maskUrl}. */
    public static SuppliedObject mask(String label, String maskUrl) {
        return new SuppliedObject(label, null, maskUrl);
    }

    ObjectNode toJson() {
        ObjectNode object = JsonNodeFactory.instance.objectNode().put("label", label);
        if (box != null) {
            object.putArray("box").add(box.x1()).add(box.y1()).add(box.x2()).add(box.y2());
        }
        if (maskUrl != null) {
            object.put("mask_url", maskUrl);
        }
        return object;
    }
}
