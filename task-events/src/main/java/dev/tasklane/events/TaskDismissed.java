package dev.tasklane.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A person dismissed a failed attempt of a task: it leaves their list of failures but stays recorded. Published to
 * {@code task.status} by the ledger, so a rebuild of the ledger from the topics keeps the dismissal.
 *
 * @param dismissedBy the user who dismissed it: the owner, a supervisor or an admin
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskDismissed(
        UUID eventId,
        Instant occurredAt,
        UUID taskId,
        String taskType,
        String entityType,
        UUID entityId,
        String entityName,
        UUID createdBy,
        @JsonProperty(required = true) int attempt,
        UUID dismissedBy)
        implements TaskEvent {

    public static final String TYPE = "TaskDismissed";

    public TaskDismissed {
        Fields.requireIdentity(TYPE, eventId, occurredAt, taskId, taskType, entityType, entityId, entityName, attempt);
        Fields.require(dismissedBy, "dismissed_by", TYPE);
    }

    public static TaskDismissed of(TaskRef task, UUID dismissedBy) {
        return new TaskDismissed(
                UUID.randomUUID(),
                Instant.now(),
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                dismissedBy);
    }

    @Override
    public String eventType() {
        return TYPE;
    }

    /** A dismissal does not change the status: it marks a failed attempt as seen. */
    @Override
    public TaskStatus status() {
        return TaskStatus.FAILED;
    }
}
