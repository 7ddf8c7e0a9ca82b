package dev.tasklane.schema;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The old system's functions, each state change and each refusal, on a real PostgreSQL. */
class BackgroundTaskFunctionsIntegrationTests {

    private static final UUID OWNER = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    private static final UUID SOMEONE_ELSE = UUID.fromString("9b2f3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d");

    private final Sql sql = new Sql(TestPostgres.newDatabase().dataSource());
    private final Tasks tasks = new Tasks(sql);

    private Sql.SqlFailure failure(String statement, Object... parameters) {
        return catchThrowableOfType(Sql.SqlFailure.class, () -> sql.execute(statement, parameters));
    }

    private Map<String, Object> row(UUID id) {
        return sql.query("SELECT * FROM background_tasks WHERE id = ?", id).get(0);
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
        "pending, pending, false", "pending, running, true", "pending, completed, true", "pending, failed, true",
        "running, pending, false", "running, running, false", "running, completed, true", "running, failed, true",
        "completed, pending, false", "completed, running, false", "completed, completed, false",
                "completed, failed, false",
        "failed, pending, false", "failed, running, false", "failed, completed, false", "failed, failed, false"
    })
    void theTransitionTableAllowsExactlyTheForwardMoves(String from, String to, boolean allowed) {
        assertThat(sql.value("SELECT background_task_transition_allowed(?, ?)", from, to))
                .isEqualTo(allowed);
    }

    @Test
    void startSetsRunningAndStartedAt() {
        UUID id = tasks.aPendingTask(OWNER);

        sql.execute("SELECT start_background_task(?)", id);

        assertThat(row(id)).containsEntry("status", "running");
        assertThat(row(id).get("started_at")).isNotNull();
    }

    @Test
    void completeKeepsTheResult() {
        UUID id = tasks.aRunningTask(OWNER);

        sql.execute("SELECT complete_background_task(?, '{\"drivers\": 14, \"api_requests\": 1}'::jsonb)", id);

        assertThat(row(id)).containsEntry("status", "completed");
        assertThat(row(id).get("completed_at")).isNotNull();
        assertThat(sql.value("SELECT result ->> 'drivers' FROM background_tasks WHERE id = ?", id))
                .isEqualTo("14");
    }

    @Test
    void completeWorksStraightFromPendingAndWithoutAResult() {
        UUID id = tasks.aPendingTask(OWNER);

        sql.execute("SELECT complete_background_task(?)", id);

        assertThat(row(id)).containsEntry("status", "completed").containsEntry("result", null);
    }

    @Test
    void failKeepsTheErrorMessage() {
        UUID id = tasks.aRunningTask(OWNER);

        sql.execute("SELECT fail_background_task(?, 'Google said REQUEST_DENIED: enable the API')", id);

        assertThat(row(id))
                .containsEntry("status", "failed")
                .containsEntry("error_message", "Google said REQUEST_DENIED: enable the API");
        assertThat(row(id).get("failed_at")).isNotNull();
    }

    @Test
    void failWithoutAMessageIsRefused() {
        UUID id = tasks.aRunningTask(OWNER);

        Sql.SqlFailure failure = failure("SELECT fail_background_task(?, '  ')", id);

        assertThat(failure.sqlState()).isEqualTo("22004");
        assertThat(failure).hasMessageContaining("error_message is required");
        assertThat(tasks.status(id)).isEqualTo("running");
    }

    @Test
    void changingATaskThatDoesNotExistNamesIt() {
        UUID missing = UUID.randomUUID();

        for (String call : List.of(
                "SELECT start_background_task(?)",
                "SELECT complete_background_task(?)",
                "SELECT fail_background_task(?, 'x')")) {
            Sql.SqlFailure failure = failure(call, missing);
            assertThat(failure.sqlState()).as(call).isEqualTo("P0002");
            assertThat(failure).as(call).hasMessageContaining("Background task " + missing + " does not exist");
        }
    }

    @Test
    void aFinishedTaskCannotMoveAgain() {
        UUID completed = tasks.aCompletedTask(OWNER);
        UUID failed = tasks.aFailedTask(OWNER);

        Sql.SqlFailure restart = failure("SELECT start_background_task(?)", completed);
        Sql.SqlFailure failAfterComplete = failure("SELECT fail_background_task(?, 'late')", completed);
        Sql.SqlFailure completeAfterFail = failure("SELECT complete_background_task(?)", failed);

        assertThat(restart.sqlState()).isEqualTo("55000");
        assertThat(restart).hasMessageContaining("cannot change from completed to running");
        assertThat(failAfterComplete).hasMessageContaining("cannot change from completed to failed");
        assertThat(completeAfterFail).hasMessageContaining("cannot change from failed to completed");
        assertThat(tasks.status(completed)).isEqualTo("completed");
        assertThat(tasks.status(failed)).isEqualTo("failed");
    }

    @Test
    void startingARunningTaskAgainIsRefused() {
        UUID id = tasks.aRunningTask(OWNER);

        assertThat(failure("SELECT start_background_task(?)", id))
                .hasMessageContaining("cannot change from running to running");
    }

    @Test
    void createRefusesAMissingEntityOrType() {
        assertThat(failure("SELECT create_background_task('client', NULL, 'A', 'sync_quo', NULL)"))
                .hasMessageContaining("entity_id is required");
        assertThat(failure("SELECT create_background_task('', gen_random_uuid(), 'A', 'sync_quo', NULL)"))
                .hasMessageContaining("entity_type is required");
        assertThat(failure("SELECT create_background_task('client', gen_random_uuid(), 'A', NULL, NULL)"))
                .hasMessageContaining("task_type is required");
        assertThat(sql.value("SELECT count(*) FROM background_tasks")).isEqualTo(0L);
    }

    @Test
    void dismissHidesAFailedTaskAndKeepsTheRow() {
        UUID id = tasks.aFailedTask(OWNER);

        assertThat(sql.value("SELECT dismiss_background_task(?, ?)", id, OWNER)).isEqualTo(true);

        Map<String, Object> row = row(id);
        assertThat(row).containsEntry("status", "failed").containsEntry("dismissed_by", OWNER);
        assertThat((OffsetDateTime) row.get("dismissed_at")).isNotNull();
        assertThat(sql.value("SELECT count(*) FROM all_failed_tasks WHERE id = ?", id))
                .isEqualTo(0L);
    }

    @Test
    void dismissingTwiceIsHarmlessAndKeepsTheFirstTime() {
        UUID id = tasks.aFailedTask(OWNER);
        sql.execute("SELECT dismiss_background_task(?, ?)", id, OWNER);
        Object first = row(id).get("dismissed_at");

        assertThat(sql.value("SELECT dismiss_background_task(?, ?)", id, OWNER)).isEqualTo(false);
        assertThat(row(id).get("dismissed_at")).isEqualTo(first);
    }

    @Test
    void dismissingSomeoneElsesTaskIsRefused() {
        UUID id = tasks.aFailedTask(OWNER);

        Sql.SqlFailure failure = failure("SELECT dismiss_background_task(?, ?)", id, SOMEONE_ELSE);

        assertThat(failure.sqlState()).isEqualTo("42501");
        assertThat(failure).hasMessageContaining("belongs to another user");
        assertThat(row(id).get("dismissed_at")).isNull();
    }

    @Test
    void onlyAFailedTaskCanBeDismissed() {
        UUID running = tasks.aRunningTask(OWNER);

        Sql.SqlFailure failure = failure("SELECT dismiss_background_task(?, ?)", running, OWNER);

        assertThat(failure.sqlState()).isEqualTo("55000");
        assertThat(failure).hasMessageContaining("is running: only a failed task can be dismissed");
    }

    @Test
    void dismissingATaskThatDoesNotExistIsAnError() {
        assertThat(failure("SELECT dismiss_background_task(?, ?)", UUID.randomUUID(), OWNER)
                        .sqlState())
                .isEqualTo("P0002");
    }

    @Test
    void dismissAllDismissesOnlyTheUsersOwnFailuresAndCountsThem() {
        UUID mine1 = tasks.aFailedTask(OWNER);
        UUID mine2 = tasks.aFailedTask(OWNER);
        UUID alreadyDismissed = tasks.aFailedTask(OWNER);
        sql.execute("SELECT dismiss_background_task(?, ?)", alreadyDismissed, OWNER);
        UUID myRunning = tasks.aRunningTask(OWNER);
        UUID theirs = tasks.aFailedTask(SOMEONE_ELSE);

        assertThat(sql.value("SELECT dismiss_all_failed_tasks(?)", OWNER)).isEqualTo(2);

        assertThat(row(mine1).get("dismissed_at")).isNotNull();
        assertThat(row(mine2).get("dismissed_at")).isNotNull();
        assertThat(row(myRunning).get("dismissed_at")).isNull();
        assertThat(row(theirs).get("dismissed_at")).isNull();
        assertThat(sql.value("SELECT dismiss_all_failed_tasks(?)", OWNER)).isEqualTo(0);
    }

    @Test
    void updatedAtMovesOnEveryChange() {
        UUID id = tasks.aPendingTask(OWNER);
        sql.execute("UPDATE background_tasks SET updated_at = now() - interval '1 hour' WHERE id = ?", id);
        OffsetDateTime before = (OffsetDateTime) row(id).get("updated_at");

        sql.execute("SELECT start_background_task(?)", id);

        assertThat((OffsetDateTime) row(id).get("updated_at")).isAfter(before);
    }

    @Test
    void aFailedTaskCannotBeMarkedDismissedWhileItIsNotFailed() {
        UUID id = tasks.aRunningTask(OWNER);

        assertThat(failure("UPDATE background_tasks SET dismissed_at = now() WHERE id = ?", id)
                        .sqlState())
                .isEqualTo("23514");
    }
}
