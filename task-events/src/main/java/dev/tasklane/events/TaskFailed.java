package dev.tasklane.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A worker gave up on the task (its automatic retries, if any, are spent); published to {@code task.status}.
 *
 * @param error what failed, why and what to do, for a person
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskFailed(
        UUID eventId,
        Instant occurredAt,
        UUID taskId,
        String taskType,
        String entityType,
        UUID entityId,
        String entityName,
        UUID createdBy,
        @JsonProperty(required = true) int attempt,
        String worker,
        TaskError error)
        implements TaskEvent {

    public static final String TYPE = "TaskFailed";

    public TaskFailed {
        Fields.requireIdentity(TYPE, eventId, occurredAt, taskId, taskType, entityType, entityId, entityName, attempt);
        Fields.requireText(worker, "worker", TYPE);
        Fields.require(error, "error", TYPE);
    }

    public static TaskFailed of(TaskRef task, String worker, TaskError error) {
        return new TaskFailed(
                UUID.randomUUID(),
                Instant.now(),
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                worker,
                error);
    }

    @Override
    public String eventType() {
        return TYPE;
    }

    @Override
    public TaskStatus status() {
        return TaskStatus.FAILED;
    }
}
