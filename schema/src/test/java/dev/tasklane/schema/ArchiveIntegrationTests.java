package dev.tasklane.schema;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ArchiveIntegrationTests {

    private static final UUID OWNER = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    private final TestDatabase database = TestPostgres.newDatabase();
    private final Sql sql = new Sql(database.dataSource());
    private final Tasks tasks = new Tasks(sql);

    private long count(String table) {
        return (Long) sql.value("SELECT count(*) FROM " + table);
    }

    @Test
    void onlyTasksFinishedMoreThanSevenDaysAgoMove() {
        UUID oldCompleted = tasks.aCompletedTask(OWNER);
        UUID oldFailed = tasks.aFailedTask(OWNER);
        UUID recentCompleted = tasks.aCompletedTask(OWNER);
        UUID sixDaysOld = tasks.aFailedTask(OWNER);
        tasks.age(oldCompleted, 8);
        tasks.age(oldFailed, 30);
        tasks.age(sixDaysOld, 6);

        assertThat(sql.value("SELECT archive_old_tasks()")).isEqualTo(2);

        assertThat(sql.query("SELECT id FROM background_tasks_archive"))
                .extracting(row -> row.get("id"))
                .containsExactlyInAnyOrder(oldCompleted, oldFailed);
        assertThat(sql.query("SELECT id FROM background_tasks"))
                .extracting(row -> row.get("id"))
                .containsExactlyInAnyOrder(recentCompleted, sixDaysOld);
    }

    @Test
    void pendingAndRunningTasksNeverMoveHoweverOld() {
        UUID pending = tasks.aPendingTask(OWNER);
        UUID running = tasks.aRunningTask(OWNER);
        tasks.age(pending, 90);
        tasks.age(running, 90);

        assertThat(sql.value("SELECT archive_old_tasks()")).isEqualTo(0);

        assertThat(count("background_tasks")).isEqualTo(2);
    }

    @Test
    void archivingAgainMovesNothing() {
        tasks.age(tasks.aCompletedTask(OWNER), 8);

        assertThat(sql.value("SELECT archive_old_tasks()")).isEqualTo(1);
        assertThat(sql.value("SELECT archive_old_tasks()")).isEqualTo(0);
        assertThat(count("background_tasks_archive")).isEqualTo(1);
    }

    @Test
    void theArchivedRowKeepsEveryValueAndWhenItMoved() {
        UUID id = tasks.aFailedTask(OWNER);
        sql.execute("SELECT dismiss_background_task(?, ?)", id, OWNER);
        tasks.age(id, 8);
        Map<String, Object> live =
                sql.query("SELECT * FROM background_tasks WHERE id = ?", id).get(0);

        sql.value("SELECT archive_old_tasks()");

        Map<String, Object> archived = sql.query("SELECT * FROM background_tasks_archive WHERE id = ?", id)
                .get(0);
        assertThat(archived).containsAllEntriesOf(live);
        assertThat(archived.get("archived_at")).isNotNull();
    }

    @Test
    void theArchiveHasEveryColumnOfTheLiveTable() {
        String columns = """
                SELECT column_name, data_type FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name = ? ORDER BY column_name""";
        List<Map<String, Object>> live = sql.query(columns, "background_tasks");
        List<Map<String, Object>> archive = sql.query(columns, "background_tasks_archive");

        assertThat(archive).containsAll(live);
        assertThat(archive).hasSize(live.size() + 1);
    }

    @Test
    void tenThousandRowsArchiveInBatchesWithoutError() {
        sql.execute("""
                INSERT INTO background_tasks (entity_type, entity_id, entity_name, task_type, status, created_by,
                                              created_at, completed_at)
                SELECT 'client', gen_random_uuid(), 'Client ' || n, 'sync_quo', 'completed', ?,
                       now() - interval '20 days', now() - interval '10 days' - n * interval '1 second'
                FROM generate_series(1, 10000) AS n""", OWNER);
        tasks.aCompletedTask(OWNER);

        assertThat(sql.value("SELECT archive_old_tasks()")).isEqualTo(10000);

        assertThat(count("background_tasks_archive")).isEqualTo(10000);
        assertThat(count("background_tasks")).isEqualTo(1);
    }

    @Test
    void theProcedureCommitsBatchByBatchAndReturnsTheTotal() throws Exception {
        sql.execute("""
                INSERT INTO background_tasks (entity_type, entity_id, entity_name, task_type, status, created_at, failed_at,
                                              error_message)
                SELECT 'driver', gen_random_uuid(), 'Driver ' || n, 'calculate_drive_times', 'failed',
                       now() - interval '9 days', now() - interval '8 days', 'x'
                FROM generate_series(1, 250) AS n""");

        try (Connection connection = database.dataSource().getConnection();
                CallableStatement call = connection.prepareCall("CALL archive_old_tasks_in_batches(NULL, 100)")) {
            connection.setAutoCommit(true);
            call.execute();
            try (var result = call.getResultSet()) {
                result.next();
                assertThat(result.getInt("archived")).isEqualTo(250);
            }
        }

        assertThat(count("background_tasks")).isZero();
        assertThat(count("background_tasks_archive")).isEqualTo(250);
    }

    @Test
    void rowsLockedByAnotherTransactionAreSkippedNotWaitedFor() throws Exception {
        UUID locked = tasks.aCompletedTask(OWNER);
        UUID free = tasks.aCompletedTask(OWNER);
        tasks.age(locked, 8);
        tasks.age(free, 8);

        try (Connection other = database.dataSource().getConnection()) {
            other.setAutoCommit(false);
            Sql.query(other, "SELECT id FROM background_tasks WHERE id = ? FOR UPDATE", locked);

            assertThat(sql.value("SELECT archive_old_tasks()")).isEqualTo(1);
            other.rollback();
        }
        assertThat(sql.value("SELECT archive_old_tasks()")).isEqualTo(1);
        assertThat(count("background_tasks")).isZero();
    }
}
