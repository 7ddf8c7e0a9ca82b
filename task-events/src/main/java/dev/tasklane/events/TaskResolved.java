package dev.tasklane.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A failed attempt of a task no longer needs anyone: it leaves every inbox without a person dismissing it, and stays
 * recorded. Written to the outbox by the database when the client, driver or appointment the task is about is deleted
 * (in the same transaction as the deletion), and published to {@code task.status} by the gateway's relay.
 *
 * @param resolution why: {@code no_longer_needed} (the record was deleted)
 * @param reason     for a person, e.g. "The client Jane Doe was deleted, so its drive times are no longer needed."
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskResolved(
        UUID eventId,
        Instant occurredAt,
        UUID taskId,
        String taskType,
        String entityType,
        UUID entityId,
        String entityName,
        UUID createdBy,
        @JsonProperty(required = true) int attempt,
        String resolution,
        String reason)
        implements TaskEvent {

    public static final String TYPE = "TaskResolved";
    public static final String NO_LONGER_NEEDED = "no_longer_needed";

    public TaskResolved {
        Fields.requireIdentity(TYPE, eventId, occurredAt, taskId, taskType, entityType, entityId, entityName, attempt);
        Fields.requireText(resolution, "resolution", TYPE);
        Fields.requireText(reason, "reason", TYPE);
    }

    public static TaskResolved of(TaskRef task, String resolution, String reason) {
        return new TaskResolved(
                UUID.randomUUID(),
                Instant.now(),
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                resolution,
                reason);
    }

    @Override
    public String eventType() {
        return TYPE;
    }

    /** Like a dismissal, a resolution does not change the status: it takes a failed attempt out of the inbox. */
    @Override
    public TaskStatus status() {
        return TaskStatus.FAILED;
    }
}
