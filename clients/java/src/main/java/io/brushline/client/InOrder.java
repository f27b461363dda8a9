package io.brushline.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Counts by name in the order the gateway sends them, which Map.copyOf would lose. */
final class InOrder {

    private InOrder() {
    }

    /** An unmodifiable copy in {@code map}'s order; empty for a field the gateway left out. */
    static <V> Map<String, V> copy(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
