package dev.tasklane.ledger.projection;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskDismissed;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskStatus;

/**
 * The ledger's precedence rule, in one place: how one event changes a task's state.
 *
 * <p>A task's state is ordered by {@code (attempt, rank)}, rank pending 0 &lt; running 1 &lt; completed/failed 2. An event
 * moves the state only if its pair is greater: a duplicate, a late event or an event of an older attempt changes no
 * status. It may still fill in what only it knows (the request's payload and time, the start time of the current
 * attempt), so the final row does not depend on the order in which events of different topics arrive. A dismissal
 * marks the failed attempt it names and nothing else.
 */
public final class TaskProjection {

    private TaskProjection() {
    }

    /** The state after {@code event}; {@code current} is {@code null} for a task not seen yet. */
    public static TaskState apply(TaskState current, TaskEvent event) {
        if (event instanceof TaskDismissed dismissal) {
            return current == null ? null : dismiss(current, dismissal);
        }
        if (current == null) {
            return record(fresh(event), event);
        }
        if (current.precedenceOver(event.attempt(), event.status()) < 0) {
            TaskState base = event.attempt() > current.attempt()
                    ? current.startingAttempt(event.attempt(), event.status())
                    : current.withStatus(event.status(), event.attempt());
            return record(base, event);
        }
        return fillIn(current, event);
    }

    private static TaskState fresh(TaskEvent event) {
        return new TaskState(event.taskId(), event.entityType(), event.entityId(), event.entityName(), event.taskType(),
                event.createdBy(), event.status(), event.attempt(), Map.of(), null, null, null, null, null, null,
                at(event), null, null, null, null, null);
    }

    /** Writes what {@code event} says into a state already at the event's status and attempt. */
    private static TaskState record(TaskState state, TaskEvent event) {
        TaskState recorded = state;
        if (event instanceof TaskRequested requested && !requested.payload().isEmpty()) {
            recorded = state.withPayload(requested.payload());
        }
        else if (event instanceof TaskStarted started) {
            recorded = state.started(at(started), started.worker());
        }
        else if (event instanceof TaskCompleted completed) {
            recorded = state.completed(at(completed), completed.worker(), completed.result());
        }
        else if (event instanceof TaskFailed failed) {
            recorded = state.failed(at(failed), failed.worker(), failed.error().message(),
                    failed.error().code(), failed.error().source(), failed.error().retryable());
        }
        return earliestCreation(recorded, at(event));
    }

    private static TaskState fillIn(TaskState current, TaskEvent event) {
        TaskState filled = current;
        if (event instanceof TaskRequested requested && current.payload().isEmpty() && !requested.payload().isEmpty()) {
            filled = filled.withPayload(requested.payload());
        }
        if (event instanceof TaskStarted started && started.attempt() == current.attempt()
                && current.startedAt() == null) {
            filled = filled.started(at(started), current.worker() == null ? started.worker() : current.worker());
        }
        return earliestCreation(filled, at(event));
    }

    private static TaskState dismiss(TaskState current, TaskDismissed dismissal) {
        boolean dismissable = dismissal.attempt() == current.attempt()
                && current.status() == TaskStatus.FAILED
                && current.dismissedAt() == null;
        return dismissable ? current.dismissed(at(dismissal), dismissal.dismissedBy()) : current;
    }

    /** A task was created when its earliest event happened, whichever event arrived first. */
    private static TaskState earliestCreation(TaskState state, Instant eventTime) {
        return eventTime.isBefore(state.createdAt()) ? state.withCreatedAt(eventTime) : state;
    }

    /** When the event happened, to the microsecond PostgreSQL keeps, so a row read back equals the row written. */
    private static Instant at(TaskEvent event) {
        return event.occurredAt().truncatedTo(ChronoUnit.MICROS);
    }
}
