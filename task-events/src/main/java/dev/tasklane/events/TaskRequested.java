package dev.tasklane.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Someone asked for a task to run: published by the gateway's outbox relay (attempt 1) and by a retry (attempt + 1)
 * to {@code task.requested.<task_type>}.
 *
 * @param payload         the task's input, for example {@code {"client_id": "…"}}; never {@code null}
 * @param requestedByName the requesting person as they are called in the token (its name, else its email), captured
 *                        when they asked, so every view can name them; {@code null} for a system task or a token
 *                        without either
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskRequested(
        UUID eventId,
        Instant occurredAt,
        UUID taskId,
        String taskType,
        String entityType,
        UUID entityId,
        String entityName,
        UUID createdBy,
        @JsonProperty(required = true) int attempt,
        Map<String, Object> payload,
        String requestedByName)
        implements TaskEvent {

    public static final String TYPE = "TaskRequested";

    public TaskRequested {
        Fields.requireIdentity(TYPE, eventId, occurredAt, taskId, taskType, entityType, entityId, entityName, attempt);
        payload = JsonObjects.copyOf(payload);
    }

    public static TaskRequested of(TaskRef task, Map<String, Object> payload) {
        return of(task, payload, null);
    }

    public static TaskRequested of(TaskRef task, Map<String, Object> payload, String requestedByName) {
        return new TaskRequested(
                UUID.randomUUID(),
                Instant.now(),
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                payload,
                requestedByName == null || requestedByName.isBlank() ? null : requestedByName);
    }

    @Override
    public String eventType() {
        return TYPE;
    }

    @Override
    public TaskStatus status() {
        return TaskStatus.PENDING;
    }
}
