package dev.tasklane.ledger.projection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tasklane.events.TaskError;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskStatus;
import dev.tasklane.ledger.TaskEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.tasklane.ledger.TaskEvents.aTask;
import static org.assertj.core.api.Assertions.assertThat;

/** The precedence rule, row by row, and the order-independence a rebuild relies on. */
class TaskProjectionTests {

    private static final UUID OWNER = UUID.randomUUID();
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private final TaskEvents task = aTask(OWNER);

    private static TaskState fold(List<TaskEvent> events) {
        TaskState state = null;
        for (TaskEvent event : events) {
            state = TaskProjection.apply(state, event);
        }
        return state;
    }

    private TaskEvent event(String type, int attempt, int second) {
        TaskEvents of = task.attempt(attempt);
        Instant at = T0.plusSeconds(second);
        return switch (type) {
            case "requested" -> of.requested(at);
            case "started" -> of.started(at);
            case "completed" -> of.completed(at);
            default -> of.failed(at);
        };
    }

    @ParameterizedTest(name = "{0}#{1} then {2}#{3} -> {4}#{5}")
    @CsvSource({
        // same attempt: forward moves apply
        "requested, 1, started,   1, running,   1",
        "requested, 1, completed, 1, completed, 1",
        "requested, 1, failed,    1, failed,    1",
        "started,   1, completed, 1, completed, 1",
        "started,   1, failed,    1, failed,    1",
        // same attempt: nothing moves backwards or sideways
        "started,   1, requested, 1, running,   1",
        "completed, 1, started,   1, completed, 1",
        "completed, 1, requested, 1, completed, 1",
        "completed, 1, failed,    1, completed, 1",
        "failed,    1, completed, 1, failed,    1",
        "failed,    1, started,   1, failed,    1",
        // duplicates change nothing
        "requested, 1, requested, 1, pending,   1",
        "started,   1, started,   1, running,   1",
        "failed,    1, failed,    1, failed,    1",
        // a newer attempt always wins, an older one never does
        "failed,    1, requested, 2, pending,   2",
        "completed, 1, started,   2, running,   2",
        "requested, 2, failed,    1, pending,   2",
        "started,   2, completed, 1, running,   2",
        "failed,    2, requested, 1, failed,    2"
    })
    void anEventAppliesOnlyIfItMovesAttemptAndRankForward(
            String first,
            int firstAttempt,
            String second,
            int secondAttempt,
            String expectedStatus,
            int expectedAttempt) {
        TaskState state = fold(List.of(event(first, firstAttempt, 1), event(second, secondAttempt, 2)));

        assertThat(state.status()).isEqualTo(TaskStatus.fromValue(expectedStatus));
        assertThat(state.attempt()).isEqualTo(expectedAttempt);
    }

    @Test
    void aRowIsCreatedFromWhicheverEventArrivesFirst() {
        TaskState fromFailure = TaskProjection.apply(null, task.failed(T0));

        assertThat(fromFailure.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(fromFailure.entityName()).isEqualTo("Jane Doe");
        assertThat(fromFailure.createdBy()).isEqualTo(OWNER);
        assertThat(fromFailure.errorCode()).isEqualTo("HTTP_401");
        assertThat(fromFailure.failedAt()).isEqualTo(T0);
    }

    @Test
    void aLateRequestStillFillsInThePayloadAndTheCreationTime() {
        TaskState state =
                fold(List.of(task.started(T0.plusSeconds(5)), task.completed(T0.plusSeconds(9)), task.requested(T0)));

        assertThat(state.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(state.payload()).containsKey("client_id");
        assertThat(state.createdAt()).isEqualTo(T0);
        assertThat(state.startedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void aLateStartStillFillsInTheStartTimeOfTheSameAttempt() {
        TaskState state =
                fold(List.of(task.requested(T0), task.completed(T0.plusSeconds(9)), task.started(T0.plusSeconds(5))));

        assertThat(state.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(state.startedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void aNewAttemptForgetsTheOutcomeOfThePreviousOne() {
        UUID supervisor = UUID.randomUUID();
        TaskState state = fold(List.of(
                task.requested(T0),
                task.failed(T0.plusSeconds(1)),
                task.dismissed(T0.plusSeconds(2), supervisor),
                task.attempt(2).requested(T0.plusSeconds(3))));

        assertThat(state.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(state.attempt()).isEqualTo(2);
        assertThat(state.failedAt()).isNull();
        assertThat(state.errorMessage()).isNull();
        assertThat(state.dismissedAt()).isNull();
        assertThat(state.createdAt()).isEqualTo(T0);
    }

    @Test
    void aDismissalMarksOnlyTheFailedAttemptItNames() {
        UUID by = UUID.randomUUID();
        TaskState failed = fold(List.of(task.requested(T0), task.failed(T0.plusSeconds(1))));

        assertThat(TaskProjection.apply(failed, task.dismissed(T0.plusSeconds(2), by))
                        .dismissedBy())
                .isEqualTo(by);
        assertThat(TaskProjection.apply(failed, task.attempt(2).dismissed(T0.plusSeconds(2), by))
                        .dismissedAt())
                .isNull();
        TaskState running = fold(List.of(task.requested(T0), task.started(T0.plusSeconds(1))));
        assertThat(TaskProjection.apply(running, task.dismissed(T0.plusSeconds(2), by))
                        .dismissedAt())
                .isNull();
        assertThat(TaskProjection.apply(null, task.dismissed(T0, by))).isNull();
    }

    @Test
    void aSecondDismissalKeepsTheFirst() {
        UUID first = UUID.randomUUID();
        TaskState dismissed = fold(List.of(
                task.failed(T0),
                task.dismissed(T0.plusSeconds(1), first),
                task.dismissed(T0.plusSeconds(2), UUID.randomUUID())));

        assertThat(dismissed.dismissedBy()).isEqualTo(first);
        assertThat(dismissed.dismissedAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void theFinalStateDoesNotDependOnHowTheRequestAndStatusTopicsInterleave() {
        // task.status keeps its own order (one partition per task); requests travel on other topics and may land
        // anywhere.
        List<TaskEvent> status = List.of(
                task.started(T0.plusSeconds(1)),
                task.failed(T0.plusSeconds(2)),
                task.dismissed(T0.plusSeconds(3), OWNER),
                task.attempt(2).started(T0.plusSeconds(5)),
                task.attempt(2).completed(T0.plusSeconds(6)));
        List<TaskEvent> requests = List.of(task.requested(T0), task.attempt(2).requested(T0.plusSeconds(4)));
        TaskState expected = fold(List.of(
                requests.get(0),
                status.get(0),
                status.get(1),
                status.get(2),
                requests.get(1),
                status.get(3),
                status.get(4)));

        for (int first = 0; first <= status.size(); first++) {
            for (int second = first; second <= status.size(); second++) {
                List<TaskEvent> interleaved = new ArrayList<>(status);
                interleaved.add(second, requests.get(1));
                interleaved.add(first, requests.get(0));
                assertThat(fold(interleaved))
                        .as("requests at %d and %d", first, second)
                        .isEqualTo(expected);
            }
        }
        assertThat(expected.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(expected.attempt()).isEqualTo(2);
    }

    @Test
    void aWaitingTaskRunsHeldBackSinceItsFirstWaitAndKeepsThatWhenItEnds() {
        TaskState waiting = fold(List.of(
                task.requested(T0),
                task.waiting(T0.plusSeconds(2), "google_maps"),
                task.started(T0.plusSeconds(7)),
                task.waiting(T0.plusSeconds(1), "google_maps")));

        assertThat(waiting.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(waiting.isWaiting()).isTrue();
        assertThat(waiting.waitingSince())
                .as("the earliest wait, whichever arrived first")
                .isEqualTo(T0.plusSeconds(1));
        assertThat(waiting.waitingFor()).isEqualTo("google_maps");

        TaskState done = TaskProjection.apply(waiting, task.completed(T0.plusSeconds(60)));
        assertThat(done.isWaiting()).isFalse();
        assertThat(done.waitingSince()).as("kept as history").isEqualTo(T0.plusSeconds(1));
        assertThat(TaskProjection.apply(done, task.attempt(2).requested(T0.plusSeconds(70)))
                        .waitingSince())
                .isNull();
    }

    @Test
    void aWaitDeadlineFailureGivesWayToTheSameAttemptEndingLater() {
        TaskState deadline = fold(List.of(
                task.requested(T0),
                task.waiting(T0.plusSeconds(1), "google_maps"),
                task.failedWith(T0.plusSeconds(1800), "google_maps", TaskError.WAIT_DEADLINE),
                task.started(T0.plusSeconds(1805)),
                task.failedWith(T0.plusSeconds(1810), "google_maps", TaskError.WAIT_DEADLINE)));
        assertThat(deadline.status())
                .as("a held task retried every few seconds stays failed")
                .isEqualTo(TaskStatus.FAILED);
        assertThat(deadline.failedAt())
                .as("a repeated deadline report changes nothing")
                .isEqualTo(T0.plusSeconds(1800));

        TaskState recovered = TaskProjection.apply(deadline, task.completed(T0.plusSeconds(1900)));
        assertThat(recovered.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(recovered.attempt()).isEqualTo(1);
        assertThat(recovered.resolution()).isEqualTo("recovered");
        assertThat(recovered.errorCode()).isNull();
        assertThat(recovered.failedAt()).isNull();

        TaskState realFailure =
                TaskProjection.apply(deadline, task.failedWith(T0.plusSeconds(1900), "google_maps", "REQUEST_DENIED"));
        assertThat(realFailure.errorCode()).isEqualTo("REQUEST_DENIED");
        assertThat(realFailure.failedAt()).isEqualTo(T0.plusSeconds(1900));

        TaskState ordinary = fold(List.of(
                task.failedWith(T0.plusSeconds(5), "google_maps", "REQUEST_DENIED"),
                task.completed(T0.plusSeconds(9))));
        assertThat(ordinary.status()).as("only a deadline failure gives way").isEqualTo(TaskStatus.FAILED);
        TaskState completedFirst = fold(List.of(
                task.completed(T0.plusSeconds(9)),
                task.failedWith(T0.plusSeconds(5), "google_maps", TaskError.WAIT_DEADLINE)));
        assertThat(completedFirst.status()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void aFailureBecauseTheRecordIsGoneLeavesTheInboxAtOnce() {
        TaskState gone =
                fold(List.of(task.requested(T0), task.failedWith(T0.plusSeconds(3), "worker", "CLIENT_NOT_FOUND")));

        assertThat(gone.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(gone.dismissedAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(gone.dismissedBy()).isNull();
        assertThat(gone.resolution()).isEqualTo("no_longer_needed");
        assertThat(fold(List.of(task.failedWith(T0, "quo", "CLIENT_NOT_FOUND"))).dismissedAt())
                .as("only the worker's own finding counts")
                .isNull();
    }

    @Test
    void aFailureWhoseRecordWasDeletedLeavesTheInboxAsNoLongerNeeded() {
        TaskState failed = fold(List.of(task.requested(T0), task.failed(T0.plusSeconds(1))));

        TaskState resolved = TaskProjection.apply(failed, task.noLongerNeeded(T0.plusSeconds(9)));
        assertThat(resolved.dismissedAt()).isEqualTo(T0.plusSeconds(9));
        assertThat(resolved.dismissedBy()).isNull();
        assertThat(resolved.resolution()).isEqualTo("no_longer_needed");
        assertThat(TaskProjection.apply(resolved, task.dismissed(T0.plusSeconds(10), OWNER)))
                .as("a dismissal afterwards changes nothing")
                .isEqualTo(resolved);
        assertThat(TaskProjection.apply(failed, task.attempt(2).noLongerNeeded(T0.plusSeconds(9))))
                .as("only the attempt it names")
                .isEqualTo(failed);
        TaskState running = fold(List.of(task.requested(T0), task.started(T0.plusSeconds(1))));
        assertThat(TaskProjection.apply(running, task.noLongerNeeded(T0.plusSeconds(9))))
                .isEqualTo(running);
    }

    @Test
    void theEarliestWayOutOfTheInboxWinsWhicheverTheLedgerHearsOfFirst() {
        TaskState failed = fold(List.of(task.requested(T0), task.failed(T0.plusSeconds(1))));
        TaskState.Edit superseded = failed.edit();
        superseded.dismissedAt = T0.plusSeconds(60);
        superseded.resolution = "superseded";
        superseded.resolvedBy = UUID.randomUUID();

        TaskState dismissedEarlier = TaskProjection.apply(superseded.done(), task.dismissed(T0.plusSeconds(30), OWNER));
        assertThat(dismissedEarlier).isEqualTo(TaskProjection.apply(failed, task.dismissed(T0.plusSeconds(30), OWNER)));
        assertThat(dismissedEarlier.resolution()).isNull();
        assertThat(TaskProjection.apply(superseded.done(), task.dismissed(T0.plusSeconds(90), OWNER)))
                .as("a later dismissal leaves the earlier supersession")
                .isEqualTo(superseded.done());
        assertThat(fold(List.of(
                                task.failed(T0),
                                task.dismissed(T0.plusSeconds(9), OWNER),
                                task.noLongerNeeded(T0.plusSeconds(5))))
                        .resolution())
                .isEqualTo("no_longer_needed");
    }

    @Test
    void theRequestersNameIsKeptWhicheverEventArrivesFirst() {
        assertThat(fold(List.of(task.failed(T0.plusSeconds(2)), task.requested(T0)))
                        .createdByName())
                .isEqualTo("Dana Dispatcher");
        assertThat(fold(List.of(task.requested(T0), task.failed(T0.plusSeconds(2))))
                        .createdByName())
                .isEqualTo("Dana Dispatcher");
    }

    @Test
    void theAttemptIsDatedByItsEarliestEvent() {
        TaskState retried = fold(List.of(
                task.requested(T0),
                task.failed(T0.plusSeconds(1)),
                task.attempt(2).started(T0.plusSeconds(9)),
                task.attempt(2).requested(T0.plusSeconds(8))));

        assertThat(retried.attemptAt()).isEqualTo(T0.plusSeconds(8));
        assertThat(retried.createdAt()).isEqualTo(T0);
    }
}
