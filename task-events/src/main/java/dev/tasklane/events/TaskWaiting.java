package dev.tasklane.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A worker holds the task back because what it needs is down or busy (an open circuit breaker, a rate limit): the task
 * neither fails nor spends its retries, and runs by itself when the API answers again. Published to
 * {@code task.status} once when a worker first holds the task; a worker that still holds it when
 * {@code TASKLANE_WAIT_DEADLINE} has passed since the request publishes a {@link TaskFailed} with code
 * {@link TaskError#WAIT_DEADLINE}, keeps holding it, and runs it (the same attempt) when the API recovers.
 *
 * @param waitingFor the API the task waits for, as a {@link TaskError#source()}: {@code google_maps}, {@code quo}
 * @param reason     for a person: what is down and that the task runs by itself when it answers
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskWaiting(
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
        String waitingFor,
        String reason)
        implements TaskEvent {

    public static final String TYPE = "TaskWaiting";

    public TaskWaiting {
        Fields.requireIdentity(TYPE, eventId, occurredAt, taskId, taskType, entityType, entityId, entityName, attempt);
        Fields.requireText(worker, "worker", TYPE);
        Fields.requireText(waitingFor, "waiting_for", TYPE);
        Fields.requireText(reason, "reason", TYPE);
    }

    public static TaskWaiting of(TaskRef task, String worker, String waitingFor, String reason) {
        return new TaskWaiting(
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
                waitingFor,
                reason);
    }

    @Override
    public String eventType() {
        return TYPE;
    }

    /** A waiting task is taken and not finished: running, held back. */
    @Override
    public TaskStatus status() {
        return TaskStatus.RUNNING;
    }
}
