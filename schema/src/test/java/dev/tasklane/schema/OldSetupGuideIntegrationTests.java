package dev.tasklane.schema;

import java.util.UUID;

import dev.tasklane.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The statements of the old setup guide, verbatim, on a migrated database. */
class OldSetupGuideIntegrationTests {

    private final Sql sql = new Sql(TestPostgres.newDatabase().dataSource());

    @Test
    void selectingFromBackgroundTasksWorks() {
        sql.query("SELECT * FROM background_tasks LIMIT 1;");
    }

    @Test
    void createBackgroundTaskReturnsTheIdOfANewPendingTask() {
        Object id = sql.value("SELECT create_background_task('test', gen_random_uuid(), 'Test', 'test_task', NULL);");

        assertThat(id).isInstanceOf(UUID.class);
        assertThat(sql.query(
                        "SELECT entity_type, entity_name, task_type, status, attempt, created_by FROM background_tasks WHERE id = ?",
                        id))
                .singleElement()
                .satisfies(row -> {
                    assertThat(row)
                            .containsEntry("entity_type", "test")
                            .containsEntry("entity_name", "Test")
                            .containsEntry("task_type", "test_task")
                            .containsEntry("status", "pending")
                            .containsEntry("attempt", 1);
                    assertThat(row.get("created_by")).isNull();
                });
    }

    @Test
    void archiveOldTasksReturnsACount() {
        assertThat(sql.value("SELECT archive_old_tasks();")).isEqualTo(0);
    }

    @Test
    void everyColumnAUserExpectsIsThere() {
        assertThat(sql.query("""
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name = 'background_tasks'"""))
                .extracting(row -> row.get("column_name"))
                .contains(
                        "id",
                        "entity_type",
                        "entity_id",
                        "entity_name",
                        "task_type",
                        "status",
                        "attempt",
                        "result",
                        "error_message",
                        "created_by",
                        "created_at",
                        "started_at",
                        "completed_at",
                        "failed_at",
                        "dismissed_at",
                        "dismissed_by",
                        "updated_at");
    }

    @Test
    void statusIsOneOfTheFourStates() {
        UUID id = new Tasks(sql).aPendingTask(null);

        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
                                Sql.SqlFailure.class,
                                () -> sql.execute("UPDATE background_tasks SET status = 'done' WHERE id = ?", id))
                        .sqlState())
                .isEqualTo("23514");
    }
}
