package io.brushline.client;

import java.util.Iterator;
import java.util.function.Predicate;

/**
 * Reads a text/event-stream as the HTML specification defines it: lines of {@code field: value},
 * an empty line ends an event, several {@code data} lines join with newlines, lines starting with a
 * colon are comments.
 */
final class ServerSentEvents {

    /**
     * One event.
     *
     * @param type the {@code event} field, "message" when absent
     * @param data the joined {@code data} lines
     * @param id the {@code id} field, or null
     */
    record Event(String type, String data, String id) {
    }

    private ServerSentEvents() {
    }

    /**
     * Reads events from {@code lines} and hands each to {@code handler} until the lines end or the
     * handler answers false.
     *
     * @return false when the handler stopped the reading, true when the lines ended
     */
    static boolean read(Iterator<String> lines, Predicate<Event> handler) {
        StringBuilder data = null;
        String type = null;
        String id = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data != null && !handler.test(new Event(type == null ? "message" : type, data.toString(), id))) {
                    return false;
                }
                data = null;
                type = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "event" -> type = value;
                case "id" -> id = value;
                default -> {
                    // "retry" and unknown fields: nothing to do for a client that reconnects on its own
                }
            }
        }
        // a stream that ends without the final empty line still delivers its last event
        return data == null || handler.test(new Event(type == null ? "message" : type, data.toString(), id));
    }
}
