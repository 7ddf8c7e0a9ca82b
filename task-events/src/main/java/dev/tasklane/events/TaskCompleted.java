package dev.tasklane.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A worker finished the task; published to {@code task.status}.
 *
 * @param result a small JSON summary, for example {@code {"drivers": 14, "elements_ok": 13, "api_requests": 1}};
 *               never {@code null}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskCompleted(
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
        Map<String, Object> result)
        implements TaskEvent {

    public static final String TYPE = "TaskCompleted";

    public TaskCompleted {
        Fields.requireIdentity(TYPE, eventId, occurredAt, taskId, taskType, entityType, entityId, entityName, attempt);
        Fields.requireText(worker, "worker", TYPE);
        result = JsonObjects.copyOf(result);
    }

    public static TaskCompleted of(TaskRef task, String worker, Map<String, Object> result) {
        return new TaskCompleted(
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
                result);
    }

    @Override
    public String eventType() {
        return TYPE;
    }

    @Override
    public TaskStatus status() {
        return TaskStatus.COMPLETED;
    }
}
