package dev.tasklane.ledger.projection;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskDismissed;
import dev.tasklane.events.TaskError;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskResolved;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskStatus;
import dev.tasklane.events.TaskWaiting;

/**
 * The ledger's precedence rule, in one place: how one event changes a task's state.
 *
 * <p>A task's state is ordered by {@code (attempt, rank)}, rank pending 0 &lt; running 1 &lt; completed/failed 2. An event
 * moves the state only if its pair is greater: a duplicate, a late event or an event of an older attempt changes no
 * status. It may still fill in what only it knows (the request's payload, time and requester's name, the start time
 * of the current attempt, when it began to wait), so the final row does not depend on the order in which events of
 * different topics arrive. A dismissal marks the failed attempt it names and nothing else.
 *
 * <p>Two rules of the failure inbox live here too. A failure with code {@link TaskError#WAIT_DEADLINE} (a worker told
 * the person it has held the task too long, and holds it still) gives way to a later end of the same attempt: when
 * the task finally runs, its completion replaces the failure ({@code resolution = recovered}). A failure because the
 * record is gone ({@code *_NOT_FOUND} from the worker) leaves the inbox at once as {@code no_longer_needed}, and a
 * {@link TaskResolved} (the database's word that the record was deleted) takes the failed attempt it names out.
 */
public final class TaskProjection {

    static final String SUPERSEDED = "superseded";
    static final String NO_LONGER_NEEDED = "no_longer_needed";
    static final String RECOVERED = "recovered";

    private TaskProjection() {}

    /** The state after {@code event}; {@code current} is {@code null} for a task not seen yet. */
    public static TaskState apply(TaskState current, TaskEvent event) {
        if (event instanceof TaskDismissed dismissal) {
            return current == null ? null : dismiss(current, dismissal);
        }
        if (event instanceof TaskResolved resolved) {
            return current == null ? null : resolve(current, resolved);
        }
        if (current == null) {
            return filledIn(record(fresh(event), event), event);
        }
        if (givesWayTo(current, event)) {
            TaskState recovered = record(current.reopened(event.status()), event);
            if (event instanceof TaskCompleted) {
                TaskState.Edit edit = recovered.edit();
                edit.resolution = RECOVERED;
                recovered = edit.done();
            }
            return filledIn(recovered, event);
        }
        if (current.precedenceOver(event.attempt(), event.status()) < 0) {
            TaskState base = event.attempt() > current.attempt()
                    ? current.startingAttempt(event.attempt(), event.status(), at(event))
                    : current.withStatus(event.status(), event.attempt());
            return filledIn(record(base, event), event);
        }
        return filledIn(current, event);
    }

    private static TaskState fresh(TaskEvent event) {
        return new TaskState(
                event.taskId(),
                event.entityType(),
                event.entityId(),
                event.entityName(),
                event.taskType(),
                event.createdBy(),
                event.status(),
                event.attempt(),
                Map.of(),
                null,
                null,
                null,
                null,
                null,
                null,
                at(event),
                null,
                null,
                null,
                null,
                null,
                null,
                at(event),
                null,
                null,
                null,
                null);
    }

    /** Writes what {@code event} says into a state already at the event's status and attempt. */
    private static TaskState record(TaskState state, TaskEvent event) {
        TaskState.Edit edit = state.edit();
        if (event instanceof TaskStarted started) {
            edit.startedAt = at(started);
            edit.worker = started.worker();
        } else if (event instanceof TaskCompleted completed) {
            edit.completedAt = at(completed);
            edit.worker = completed.worker();
            edit.result = completed.result();
        } else if (event instanceof TaskFailed failed) {
            TaskError error = failed.error();
            edit.failedAt = at(failed);
            edit.worker = failed.worker();
            edit.errorMessage = error.message();
            edit.errorCode = error.code();
            edit.errorSource = error.source();
            edit.errorRetryable = error.retryable();
            if (recordIsGone(error)) {
                edit.dismissedAt = at(failed);
                edit.resolution = NO_LONGER_NEEDED;
            }
        }
        return edit.done();
    }

    /**
     * What an event knows besides the status, kept whichever order events arrive in: the earliest event time (of the
     * task, of the attempt, of its wait), the request's payload, the requester's name, the attempt's start.
     */
    private static TaskState filledIn(TaskState state, TaskEvent event) {
        TaskState.Edit edit = state.edit();
        Instant at = at(event);
        edit.createdAt = earliest(edit.createdAt, at);
        boolean sameAttempt = event.attempt() == state.attempt();
        if (event instanceof TaskRequested requested) {
            if (edit.payload.isEmpty() && !requested.payload().isEmpty()) {
                edit.payload = requested.payload();
            }
            if (edit.createdByName == null) {
                edit.createdByName = requested.requestedByName();
            }
        }
        if (!sameAttempt) {
            return edit.done();
        }
        edit.attemptAt = earliest(edit.attemptAt, at);
        if (event instanceof TaskStarted started && edit.startedAt == null) {
            edit.startedAt = at;
            edit.worker = edit.worker == null ? started.worker() : edit.worker;
        }
        if (event instanceof TaskWaiting waiting) {
            edit.waitingSince = earliest(edit.waitingSince, at);
            edit.waitingFor = edit.waitingFor == null ? waiting.waitingFor() : edit.waitingFor;
        }
        return edit.done();
    }

    /** A failure the worker will still end by itself, and a later end of that very attempt. */
    private static boolean givesWayTo(TaskState current, TaskEvent event) {
        // no comparison of times: they come from different workers' clocks, and either order of arrival ends the same
        // (a completion or another failure that arrives first stands, the deadline failure having the same rank)
        if (current.status() != TaskStatus.FAILED
                || !TaskError.WAIT_DEADLINE.equals(current.errorCode())
                || event.attempt() != current.attempt()) {
            return false;
        }
        return event instanceof TaskCompleted
                || event instanceof TaskFailed failed
                        && !TaskError.WAIT_DEADLINE.equals(failed.error().code());
    }

    /** The worker found the client, driver or appointment deleted: nothing is left to do, nobody needs telling. */
    static boolean recordIsGone(TaskError error) {
        return "worker".equals(error.source()) && error.code().endsWith("_NOT_FOUND");
    }

    private static TaskState dismiss(TaskState current, TaskDismissed dismissal) {
        if (!leavesEarlier(current, dismissal)) {
            return current;
        }
        TaskState.Edit edit = current.edit();
        edit.dismissedAt = at(dismissal);
        edit.dismissedBy = dismissal.dismissedBy();
        edit.resolution = null;
        edit.resolvedBy = null;
        return edit.done();
    }

    /**
     * Whether {@code exit} (a dismissal or a resolution) takes the failed attempt it names out of the inbox: it is that
     * attempt, and nothing took it out earlier. The earliest way out wins, so the row does not depend on whether the
     * ledger heard of a dismissal before or after a later run that superseded the failure.
     */
    private static boolean leavesEarlier(TaskState current, TaskEvent exit) {
        return exit.attempt() == current.attempt()
                && current.status() == TaskStatus.FAILED
                && (current.dismissedAt() == null || at(exit).isBefore(current.dismissedAt()));
    }

    /** Like a dismissal by nobody: the failed attempt it names leaves the inbox, saying why. */
    private static TaskState resolve(TaskState current, TaskResolved resolved) {
        if (!leavesEarlier(current, resolved)) {
            return current;
        }
        TaskState.Edit edit = current.edit();
        edit.dismissedAt = at(resolved);
        edit.dismissedBy = null;
        edit.resolution = resolved.resolution();
        edit.resolvedBy = null;
        return edit.done();
    }

    private static Instant earliest(Instant known, Instant candidate) {
        return known == null || candidate.isBefore(known) ? candidate : known;
    }

    /** When the event happened, to the microsecond PostgreSQL keeps, so a row read back equals the row written. */
    static Instant at(TaskEvent event) {
        return event.occurredAt().truncatedTo(ChronoUnit.MICROS);
    }
}
