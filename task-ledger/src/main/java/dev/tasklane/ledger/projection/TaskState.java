package dev.tasklane.ledger.projection;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskStatus;

/**
 * One row of {@code background_tasks} as the projection sees it: the task's identity and where its latest attempt
 * stands. {@code updated_at} and {@code change_seq} belong to the database, not to the projection.
 */
public record TaskState(
        UUID id, String entityType, UUID entityId, String entityName, String taskType, UUID createdBy,
        TaskStatus status, int attempt, Map<String, Object> payload, Map<String, Object> result,
        String errorMessage, String errorCode, String errorSource, Boolean errorRetryable, String worker,
        Instant createdAt, Instant startedAt, Instant completedAt, Instant failedAt,
        Instant dismissedAt, UUID dismissedBy) {

    public TaskRef ref() {
        return new TaskRef(id, taskType, entityType, entityId, entityName == null ? "" : entityName, createdBy, attempt);
    }

    /** (attempt, rank) of this state against another's: positive when this one is further along. */
    int precedenceOver(int otherAttempt, TaskStatus otherStatus) {
        int byAttempt = Integer.compare(attempt, otherAttempt);
        return byAttempt != 0 ? byAttempt : Integer.compare(status.rank(), otherStatus.rank());
    }

    TaskState withStatus(TaskStatus newStatus, int newAttempt) {
        return new TaskState(id, entityType, entityId, entityName, taskType, createdBy, newStatus, newAttempt, payload,
                result, errorMessage, errorCode, errorSource, errorRetryable, worker, createdAt, startedAt, completedAt,
                failedAt, dismissedAt, dismissedBy);
    }

    /** The same task at the start of {@code newAttempt}: nothing of the previous attempt's outcome remains. */
    TaskState startingAttempt(int newAttempt, TaskStatus newStatus) {
        return new TaskState(id, entityType, entityId, entityName, taskType, createdBy, newStatus, newAttempt, payload,
                null, null, null, null, null, null, createdAt, null, null, null, null, null);
    }

    TaskState withPayload(Map<String, Object> newPayload) {
        return new TaskState(id, entityType, entityId, entityName, taskType, createdBy, status, attempt, newPayload,
                result, errorMessage, errorCode, errorSource, errorRetryable, worker, createdAt, startedAt, completedAt,
                failedAt, dismissedAt, dismissedBy);
    }

    TaskState withCreatedAt(Instant newCreatedAt) {
        return new TaskState(id, entityType, entityId, entityName, taskType, createdBy, status, attempt, payload,
                result, errorMessage, errorCode, errorSource, errorRetryable, worker, newCreatedAt, startedAt,
                completedAt, failedAt, dismissedAt, dismissedBy);
    }

    TaskState started(Instant at, String byWorker) {
        return new TaskState(id, entityType, entityId, entityName, taskType, createdBy, status, attempt, payload,
                result, errorMessage, errorCode, errorSource, errorRetryable, byWorker, createdAt, at, completedAt,
                failedAt, dismissedAt, dismissedBy);
    }

    TaskState completed(Instant at, String byWorker, Map<String, Object> withResult) {
        return new TaskState(id, entityType, entityId, entityName, taskType, createdBy, status, attempt, payload,
                withResult, errorMessage, errorCode, errorSource, errorRetryable, byWorker, createdAt, startedAt, at,
                failedAt, dismissedAt, dismissedBy);
    }

    TaskState failed(Instant at, String byWorker, String message, String code, String source, boolean retryable) {
        return new TaskState(id, entityType, entityId, entityName, taskType, createdBy, status, attempt, payload,
                result, message, code, source, retryable, byWorker, createdAt, startedAt, completedAt, at, dismissedAt,
                dismissedBy);
    }

    TaskState dismissed(Instant at, UUID by) {
        return new TaskState(id, entityType, entityId, entityName, taskType, createdBy, status, attempt, payload,
                result, errorMessage, errorCode, errorSource, errorRetryable, worker, createdAt, startedAt, completedAt,
                failedAt, at, by);
    }
}
