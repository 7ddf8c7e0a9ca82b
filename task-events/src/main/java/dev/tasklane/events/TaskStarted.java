package dev.tasklane.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A worker took the task and began the work; published to {@code task.status}.
 *
 * @param worker the instance id of the worker
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskStarted(
        UUID eventId,
        Instant occurredAt,
        UUID taskId,
        String taskType,
        String entityType,
        UUID entityId,
        String entityName,
        UUID createdBy,
        @JsonProperty(required = true) int attempt,
        String worker)
        implements TaskEvent {

    public static final String TYPE = "TaskStarted";

    public TaskStarted {
        Fields.requireIdentity(TYPE, eventId, occurredAt, taskId, taskType, entityType, entityId, entityName, attempt);
        Fields.requireText(worker, "worker", TYPE);
    }

    public static TaskStarted of(TaskRef task, String worker) {
        return new TaskStarted(
                UUID.randomUUID(),
                Instant.now(),
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                worker);
    }

    @Override
    public String eventType() {
        return TYPE;
    }

    @Override
    public TaskStatus status() {
        return TaskStatus.RUNNING;
    }
}
