package dev.tasklane.events;

import java.util.UUID;

/**
 * The identity of one attempt of a background task: what every event about it repeats.
 *
 * @param createdBy the requesting user, or {@code null} for a system task
 */
public record TaskRef(
        UUID taskId,
        String taskType,
        String entityType,
        UUID entityId,
        String entityName,
        UUID createdBy,
        int attempt) {

    public TaskRef {
        String what = "TaskRef";
        Fields.require(taskId, "task_id", what);
        Fields.requireTaskType(taskType, what);
        Fields.requireText(entityType, "entity_type", what);
        Fields.require(entityId, "entity_id", what);
        Fields.require(entityName, "entity_name", what);
        Fields.requireAttempt(attempt, what);
    }

    /** The first attempt of a new task with a fresh id. */
    public static TaskRef newTask(
            String taskType, String entityType, UUID entityId, String entityName, UUID createdBy) {
        return new TaskRef(UUID.randomUUID(), taskType, entityType, entityId, entityName, createdBy, 1);
    }

    /** The same task, one attempt later: what a retry requests. */
    public TaskRef nextAttempt() {
        return new TaskRef(taskId, taskType, entityType, entityId, entityName, createdBy, attempt + 1);
    }
}
