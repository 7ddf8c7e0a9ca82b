package dev.tasklane.ledger.incident;

import java.util.Map;

import dev.tasklane.events.TaskTypes;

/** Tasks, records and services named in business words: "Drive times for client Jane Doe", "Google Maps". */
public final class TaskWords {

    private static final Map<String, String> SERVICES = Map.of(
            "google_maps", "Google Maps",
            "quo", "Quo",
            "worker", "Tasklane");

    private TaskWords() {}

    /** What a task of {@code taskType} does, as a noun: its label in {@link TaskTypes} ("Drive times"), else its name in words. */
    public static String label(String taskType) {
        var registered = TaskTypes.find(taskType);
        if (registered.isPresent()) {
            return registered.get().label();
        }
        String words = taskType.replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** The service behind a failure source: "Google Maps"; an unknown source as it is. */
    public static String service(String source) {
        return source == null ? null : SERVICES.getOrDefault(source, source);
    }

    /** "Drive times for client Jane Doe". */
    public static String summary(String taskType, String entityType, String entityName) {
        String record = entityName == null || entityName.isBlank() ? "a " + entityType : entityType + " " + entityName;
        return label(taskType) + " for " + record;
    }
}
