package dev.tasklane.schema;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskDismissed;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventJson;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change made through the old SQL API writes its event to the outbox in the same transaction, in the event
 * contract's own JSON, so the log (and a ledger rebuilt from it) misses nothing.
 */
class SqlApiAnnouncementIntegrationTests {

    private static final UUID OWNER = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    private final TestDatabase database = TestPostgres.newDatabase();
    private final Sql sql = new Sql(database.dataSource());
    private final Tasks tasks = new Tasks(sql);

    private List<Map<String, Object>> announcements(UUID taskId) {
        return sql.query(
                "SELECT topic, message_key, event_type, payload::text AS json FROM outbox "
                        + "WHERE message_key = ? ORDER BY id",
                taskId.toString());
    }

    private TaskEvent event(Map<String, Object> announcement) {
        return TaskEventJson.read((String) announcement.get("json"));
    }

    @Test
    void everyStepOfTheOldApiIsAnnouncedAsTheMatchingEvent() {
        UUID id = tasks.aFailedTask(OWNER);
        sql.execute("SELECT dismiss_background_task(?, ?)", id, OWNER);
        UUID completed = tasks.aCompletedTask(OWNER);

        List<Map<String, Object>> announced = announcements(id);

        assertThat(announced)
                .extracting(row -> row.get("event_type"))
                .containsExactly("TaskRequested", "TaskStarted", "TaskFailed", "TaskDismissed");
        assertThat(announced.get(0)).containsEntry("topic", "task.requested.sync_quo");
        assertThat(announced.subList(1, 4)).allSatisfy(row -> assertThat(row).containsEntry("topic", "task.status"));
        assertThat(event(announced.get(0))).isInstanceOf(TaskRequested.class);
        assertThat(event(announced.get(1)))
                .isInstanceOfSatisfying(
                        TaskStarted.class,
                        started -> assertThat(started.worker()).isEqualTo("sql-api"));
        assertThat(event(announced.get(2))).isInstanceOfSatisfying(TaskFailed.class, failed -> {
            assertThat(failed.error().message()).isEqualTo("Quo rejected the key: set QUO_API_KEY");
            assertThat(failed.error().code()).isEqualTo("SQL_API");
            assertThat(failed.createdBy()).isEqualTo(OWNER);
            assertThat(failed.entityName()).isEqualTo("Jane Doe");
        });
        assertThat(event(announced.get(3)))
                .isInstanceOfSatisfying(
                        TaskDismissed.class,
                        dismissed -> assertThat(dismissed.dismissedBy()).isEqualTo(OWNER));
        assertThat(event(announcements(completed).get(2)))
                .isInstanceOfSatisfying(
                        TaskCompleted.class, done -> assertThat(done.result()).containsEntry("drivers", 3));
    }

    @Test
    void theEventsCarryTheTimesTheRowHolds() {
        UUID id = tasks.aFailedTask(OWNER);

        TaskEvent failed = event(announcements(id).get(2));

        assertThat(sql.value(
                        "SELECT failed_at = ?::timestamptz FROM background_tasks WHERE id = ?",
                        failed.occurredAt().toString(),
                        id))
                .isEqualTo(true);
    }

    @Test
    void theProjectionsOwnWritesAreNotAnnouncedAgain() throws Exception {
        try (var connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            Sql.query(connection, "SELECT set_config('tasklane.writer', 'projection', true)");
            Sql.query(connection, "SELECT create_background_task('client', gen_random_uuid(), 'A', 'sync_quo', NULL)");
            connection.commit();
        }

        assertThat(sql.value("SELECT count(*) FROM outbox")).isEqualTo(0L);
    }

    @Test
    void aChangeThatIsNotAStepAnnouncesNothing() {
        UUID id = tasks.aPendingTask(OWNER);
        long before = (Long) sql.value("SELECT count(*) FROM outbox");

        sql.execute("UPDATE background_tasks SET entity_name = 'Jane Q. Doe' WHERE id = ?", id);

        assertThat(sql.value("SELECT count(*) FROM outbox")).isEqualTo(before);
    }

    @Test
    void aSignedInUserDismissingThroughSqlIsAnnouncedToo() {
        UUID id = tasks.aFailedTask(OWNER);

        sql.callerValue(OWNER, "user", "SELECT dismiss_background_task(?, ?)", id, OWNER);

        assertThat(announcements(id)).extracting(row -> row.get("event_type")).endsWith("TaskDismissed");
    }

    @Test
    void aRolledBackChangeAnnouncesNothing() throws Exception {
        try (var connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            Sql.query(connection, "SELECT create_background_task('client', gen_random_uuid(), 'A', 'sync_quo', NULL)");
            connection.rollback();
        }

        assertThat(sql.value("SELECT count(*) FROM outbox")).isEqualTo(0L);
    }
}
