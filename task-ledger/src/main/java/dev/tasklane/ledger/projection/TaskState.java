package dev.tasklane.ledger.projection;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskStatus;

/**
 * One row of {@code background_tasks} as the projection sees it: the task's identity, who asked (by name), where its
 * latest attempt stands, whether it waits for an outage, and why a failure left the inbox by itself
 * ({@code resolution}; {@code dismissedAt} then says when). {@code updated_at} and {@code change_seq} belong to the
 * database, not to the projection.
 */
public record TaskState(
        UUID id,
        String entityType,
        UUID entityId,
        String entityName,
        String taskType,
        UUID createdBy,
        TaskStatus status,
        int attempt,
        Map<String, Object> payload,
        Map<String, Object> result,
        String errorMessage,
        String errorCode,
        String errorSource,
        Boolean errorRetryable,
        String worker,
        Instant createdAt,
        Instant startedAt,
        Instant completedAt,
        Instant failedAt,
        Instant dismissedAt,
        UUID dismissedBy,
        String createdByName,
        Instant attemptAt,
        Instant waitingSince,
        String waitingFor,
        String resolution,
        UUID resolvedBy) {

    public TaskRef ref() {
        return new TaskRef(
                id, taskType, entityType, entityId, entityName == null ? "" : entityName, createdBy, attempt);
    }

    /** Whether the task is held back for an outage now. */
    public boolean isWaiting() {
        return waitingSince != null && !status.isTerminal();
    }

    /** (attempt, rank) of this state against another's: positive when this one is further along. */
    int precedenceOver(int otherAttempt, TaskStatus otherStatus) {
        int byAttempt = Integer.compare(attempt, otherAttempt);
        return byAttempt != 0 ? byAttempt : Integer.compare(status.rank(), otherStatus.rank());
    }

    Edit edit() {
        return new Edit(this);
    }

    TaskState withStatus(TaskStatus newStatus, int newAttempt) {
        Edit edit = edit();
        edit.status = newStatus;
        edit.attempt = newAttempt;
        return edit.done();
    }

    /**
     * The same task at the start of {@code newAttempt}, first heard of at {@code at}: nothing of the previous
     * attempt's outcome, wait or resolution remains.
     */
    TaskState startingAttempt(int newAttempt, TaskStatus newStatus, Instant at) {
        Edit edit = edit();
        edit.status = newStatus;
        edit.attempt = newAttempt;
        edit.result = null;
        edit.clearOutcome();
        edit.worker = null;
        edit.startedAt = null;
        edit.completedAt = null;
        edit.attemptAt = at;
        edit.waitingSince = null;
        edit.waitingFor = null;
        return edit.done();
    }

    /** A failure that gives way to a later end of the same attempt (a held task that ran after its wait deadline). */
    TaskState reopened(TaskStatus newStatus) {
        Edit edit = edit();
        edit.status = newStatus;
        edit.clearOutcome();
        return edit.done();
    }

    /** A field-by-field copy of a state, changed in place and then frozen with {@link #done()}. */
    static final class Edit {
        private final TaskState from;
        TaskStatus status;
        int attempt;
        Map<String, Object> payload;
        Map<String, Object> result;
        String errorMessage;
        String errorCode;
        String errorSource;
        Boolean errorRetryable;
        String worker;
        Instant createdAt;
        Instant startedAt;
        Instant completedAt;
        Instant failedAt;
        Instant dismissedAt;
        UUID dismissedBy;
        String createdByName;
        Instant attemptAt;
        Instant waitingSince;
        String waitingFor;
        String resolution;
        UUID resolvedBy;

        private Edit(TaskState s) {
            from = s;
            status = s.status;
            attempt = s.attempt;
            payload = s.payload;
            result = s.result;
            errorMessage = s.errorMessage;
            errorCode = s.errorCode;
            errorSource = s.errorSource;
            errorRetryable = s.errorRetryable;
            worker = s.worker;
            createdAt = s.createdAt;
            startedAt = s.startedAt;
            completedAt = s.completedAt;
            failedAt = s.failedAt;
            dismissedAt = s.dismissedAt;
            dismissedBy = s.dismissedBy;
            createdByName = s.createdByName;
            attemptAt = s.attemptAt;
            waitingSince = s.waitingSince;
            waitingFor = s.waitingFor;
            resolution = s.resolution;
            resolvedBy = s.resolvedBy;
        }

        /** Forgets the end of the attempt: error, failure, dismissal and resolution. */
        void clearOutcome() {
            errorMessage = null;
            errorCode = null;
            errorSource = null;
            errorRetryable = null;
            failedAt = null;
            dismissedAt = null;
            dismissedBy = null;
            resolution = null;
            resolvedBy = null;
        }

        TaskState done() {
            return new TaskState(
                    from.id,
                    from.entityType,
                    from.entityId,
                    from.entityName,
                    from.taskType,
                    from.createdBy,
                    status,
                    attempt,
                    payload,
                    result,
                    errorMessage,
                    errorCode,
                    errorSource,
                    errorRetryable,
                    worker,
                    createdAt,
                    startedAt,
                    completedAt,
                    failedAt,
                    dismissedAt,
                    dismissedBy,
                    createdByName,
                    attemptAt,
                    waitingSince,
                    waitingFor,
                    resolution,
                    resolvedBy);
        }
    }
}
