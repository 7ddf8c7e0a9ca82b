package dev.tasklane.ledger;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskDismissed;
import dev.tasklane.events.TaskError;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskResolved;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.events.TaskWaiting;

/**
 * Test data: the events of one task, attempt by attempt, at times a test chooses ({@code aTask().requested(t0)}).
 */
public final class TaskEvents {

    private final TaskRef task;

    private TaskEvents(TaskRef task) {
        this.task = task;
    }

    /** A new Quo sync of a client named Jane Doe, owned by {@code owner}. */
    public static TaskEvents aTask(UUID owner) {
        return new TaskEvents(
                TaskRef.newTask(TaskTypes.SYNC_QUO, EntityTypes.CLIENT, UUID.randomUUID(), "Jane Doe", owner));
    }

    public static TaskEvents aTask(UUID owner, String taskType, String entityName) {
        return new TaskEvents(TaskRef.newTask(taskType, EntityTypes.CLIENT, UUID.randomUUID(), entityName, owner));
    }

    /** A new task of {@code taskType} for the client {@code clientId}: several of them are runs for one record. */
    public static TaskEvents aTaskFor(UUID owner, String taskType, UUID clientId, String entityName) {
        return new TaskEvents(TaskRef.newTask(taskType, EntityTypes.CLIENT, clientId, entityName, owner));
    }

    public TaskEvents attempt(int attempt) {
        return new TaskEvents(new TaskRef(
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                attempt));
    }

    public TaskRef ref() {
        return task;
    }

    public UUID id() {
        return task.taskId();
    }

    public TaskRequested requested(Instant at) {
        return new TaskRequested(
                UUID.randomUUID(),
                at,
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                Map.of("client_id", task.entityId().toString()),
                "Dana Dispatcher");
    }

    public TaskStarted started(Instant at) {
        return new TaskStarted(
                UUID.randomUUID(),
                at,
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                "worker-1");
    }

    public TaskCompleted completed(Instant at) {
        return new TaskCompleted(
                UUID.randomUUID(),
                at,
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                "worker-1",
                Map.of("contact", "c1"));
    }

    public TaskFailed failed(Instant at) {
        return new TaskFailed(
                UUID.randomUUID(),
                at,
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                "worker-1",
                new TaskError(
                        "Quo rejected the key (HTTP 401) while creating the contact for " + task.entityName()
                                + ": create a new key in Quo settings → API and set QUO_API_KEY.",
                        "HTTP_401",
                        "quo",
                        false));
    }

    /** A failure with a cause of the test's choosing ({@code source}, {@code code}). */
    public TaskFailed failedWith(Instant at, String source, String code) {
        return new TaskFailed(
                UUID.randomUUID(),
                at,
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                "worker-1",
                new TaskError(
                        "It failed (" + code + ") for " + task.entityName() + ": do this, then retry.",
                        code,
                        source,
                        true));
    }

    public TaskWaiting waiting(Instant at, String waitingFor) {
        return new TaskWaiting(
                UUID.randomUUID(),
                at,
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                "worker-1",
                waitingFor,
                "It is down; the task runs by itself when it answers.");
    }

    public TaskResolved noLongerNeeded(Instant at) {
        return new TaskResolved(
                UUID.randomUUID(),
                at,
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                TaskResolved.NO_LONGER_NEEDED,
                "The client " + task.entityName() + " was deleted, so this task is no longer needed.");
    }

    public TaskDismissed dismissed(Instant at, UUID by) {
        return new TaskDismissed(
                UUID.randomUUID(),
                at,
                task.taskId(),
                task.taskType(),
                task.entityType(),
                task.entityId(),
                task.entityName(),
                task.createdBy(),
                task.attempt(),
                by);
    }
}
