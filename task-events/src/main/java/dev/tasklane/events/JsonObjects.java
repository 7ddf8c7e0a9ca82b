package dev.tasklane.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Defensive copies of the free-form JSON objects of events ({@code payload}, {@code result}). */
final class JsonObjects {

    private JsonObjects() {}

    /** An unmodifiable copy that keeps the order and allows {@code null} values; {@code null} becomes empty. */
    static Map<String, Object> copyOf(Map<String, Object> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
