package io.brushline.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Point;
import io.brushline.common.stage.FailureCodes;
import java.util.ArrayList;
import java.util.List;

/** Parses the optional location hints of a submission and checks them against the image size. */
final class HintParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HintParser() {
    }

    /** A box as {@code x1,y1,x2,y2} or a JSON array of four numbers, in source pixels. */
    static Box box(String text, int width, int height) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String[] parts = text.replaceAll("[\\[\\]\\s]", "").split(",");
        if (parts.length != 4) {
            throw invalid("box must be four numbers x1,y1,x2,y2; got '" + text + "'");
        }
        int[] v = new int[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = (int) Math.round(Double.parseDouble(parts[i]));
            } catch (NumberFormatException e) {
                throw invalid("box must be four numbers x1,y1,x2,y2; got '" + text + "'");
            }
        }
        Box box = new Box(v[0], v[1], v[2], v[3]);
        if (!box.fitsIn(width, height)) {
            throw invalid("box " + text + " is empty or outside the " + width + "x" + height + " image");
        }
        return box;
    }

    /** Points as a JSON array of {@code [x, y]} or {@code [x, y, label]} with label 1 = object, 0 = not. */
    static List<Point> points(String text, int width, int height) {
        if (text == null || text.isBlank()) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (Exception e) {
            throw invalid("points must be a JSON array like [[120, 80], [200, 90, 0]]");
        }
        if (!root.isArray() || root.isEmpty()) {
            throw invalid("points must be a non-empty JSON array like [[120, 80], [200, 90, 0]]");
        }
        List<Point> points = new ArrayList<>();
        for (JsonNode node : root) {
            if (!node.isArray() || node.size() < 2 || node.size() > 3 || !node.get(0).isNumber()
                    || !node.get(1).isNumber()) {
                throw invalid("each point must be [x, y] or [x, y, label]; got " + node);
            }
            int x = node.get(0).asInt();
            int y = node.get(1).asInt();
            if (x < 0 || y < 0 || x >= width || y >= height) {
                throw invalid("point " + node + " is outside the " + width + "x" + height + " image");
            }
            boolean foreground = node.size() < 3 || node.get(2).asInt() != 0;
            points.add(new Point(x, y, foreground));
        }
        return points;
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest(FailureCodes.INVALID_HINT, message);
    }
}
