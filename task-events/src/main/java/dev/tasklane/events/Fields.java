package dev.tasklane.events;

import java.util.regex.Pattern;

/** Checks of the event contract's required fields; messages name the field as it is spelled in JSON. */
final class Fields {

    private static final Pattern TASK_TYPE = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private Fields() {}

    static <T> T require(T value, String field, String event) {
        if (value == null) {
            throw new IllegalArgumentException(event + " is missing required field '" + field + "'");
        }
        return value;
    }

    static String requireText(String value, String field, String event) {
        require(value, field, event);
        if (value.isBlank()) {
            throw new IllegalArgumentException(event + " field '" + field + "' must not be blank");
        }
        return value;
    }

    static String requireTaskType(String value, String event) {
        require(value, "task_type", event);
        if (!TASK_TYPE.matcher(value).matches()) {
            throw new IllegalArgumentException(event + " field 'task_type' must be lower-case letters, digits and "
                    + "underscores starting with a letter (it becomes part of a topic name), was '" + value + "'");
        }
        return value;
    }

    static int requireAttempt(int attempt, String event) {
        if (attempt < 1) {
            throw new IllegalArgumentException(event + " field 'attempt' must be 1 or more, was " + attempt);
        }
        return attempt;
    }

    /** Checks the fields every event repeats; {@code event} is the event type named in messages. */
    static void requireIdentity(
            String event,
            Object eventId,
            Object occurredAt,
            Object taskId,
            String taskType,
            String entityType,
            Object entityId,
            String entityName,
            int attempt) {
        require(eventId, "event_id", event);
        require(occurredAt, "occurred_at", event);
        require(taskId, "task_id", event);
        requireTaskType(taskType, event);
        requireText(entityType, "entity_type", event);
        require(entityId, "entity_id", event);
        require(entityName, "entity_name", event);
        requireAttempt(attempt, event);
    }

    static boolean isTaskType(String value) {
        return value != null && TASK_TYPE.matcher(value).matches();
    }
}
