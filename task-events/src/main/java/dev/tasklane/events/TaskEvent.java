package dev.tasklane.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One fact about a background task, as it travels on Kafka: every event carries the task's whole identity, so a
 * consumer can act on whichever event of a task reaches it first.
 *
 * <p>The JSON form names its type in the {@code event_type} field; these names are the only type ids that travel,
 * never Java class names.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "event_type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TaskRequested.class, name = TaskRequested.TYPE),
    @JsonSubTypes.Type(value = TaskStarted.class, name = TaskStarted.TYPE),
    @JsonSubTypes.Type(value = TaskCompleted.class, name = TaskCompleted.TYPE),
    @JsonSubTypes.Type(value = TaskFailed.class, name = TaskFailed.TYPE),
    @JsonSubTypes.Type(value = TaskDismissed.class, name = TaskDismissed.TYPE),
    @JsonSubTypes.Type(value = TaskWaiting.class, name = TaskWaiting.TYPE),
    @JsonSubTypes.Type(value = TaskResolved.class, name = TaskResolved.TYPE)
})
public sealed interface TaskEvent
        permits TaskRequested, TaskStarted, TaskCompleted, TaskFailed, TaskDismissed, TaskWaiting, TaskResolved {

    UUID eventId();

    Instant occurredAt();

    UUID taskId();

    String taskType();

    String entityType();

    UUID entityId();

    String entityName();

    /** The user who caused the task (the JWT {@code sub}), or {@code null} for a system task. */
    UUID createdBy();

    int attempt();

    /** The name that travels in the {@code event_type} field and header. */
    String eventType();

    /** The task state this event announces. */
    TaskStatus status();

    /** The task this event is about, without the event's own fields. */
    default TaskRef task() {
        return new TaskRef(taskId(), taskType(), entityType(), entityId(), entityName(), createdBy(), attempt());
    }
}
