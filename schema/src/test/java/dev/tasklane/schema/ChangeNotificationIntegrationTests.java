package dev.tasklane.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pg_notify the realtime stream builds on: on every status change and dismissal, at commit, never on rollback; one
 * per row for the old SQL API and any other writer, one per statement for the ledger's projection.
 */
class ChangeNotificationIntegrationTests {

    private static final UUID OWNER = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TestDatabase database = TestPostgres.newDatabase();
    private final Sql sql = new Sql(database.dataSource());
    private final Tasks tasks = new Tasks(sql);
    private Connection listener;

    @BeforeEach
    void listen() throws SQLException {
        listener = database.dataSource().getConnection();
        Sql.query(listener, "LISTEN background_task_changes");
    }

    @AfterEach
    void close() throws SQLException {
        listener.close();
    }

    /** Everything delivered so far, waiting up to {@code millis} for the first one. */
    private List<JsonNode> notifications(int millis) throws SQLException {
        List<JsonNode> received = new ArrayList<>();
        PGNotification[] batch = listener.unwrap(PGConnection.class).getNotifications(millis);
        while (batch != null && batch.length > 0) {
            for (PGNotification notification : batch) {
                assertThat(notification.getName()).isEqualTo("background_task_changes");
                received.add(JSON.readTree(notification.getParameter()));
            }
            batch = listener.unwrap(PGConnection.class).getNotifications(200);
        }
        return received;
    }

    @Test
    void aNewTaskAndEachStatusChangeNotifyWithIdStatusAndOwner() throws SQLException {
        UUID id = tasks.aFailedTask(OWNER);

        List<JsonNode> received = notifications(5000);

        assertThat(received)
                .extracting(n -> n.get("status").asString())
                .containsExactly("pending", "running", "failed");
        assertThat(received).allSatisfy(n -> {
            assertThat(n.get("id").asString()).isEqualTo(id.toString());
            assertThat(n.get("created_by").asString()).isEqualTo(OWNER.toString());
            assertThat(n.get("task_type").asString()).isEqualTo("sync_quo");
        });
        assertThat(received)
                .extracting(n -> n.get("change_seq").asLong())
                .isSorted()
                .doesNotHaveDuplicates();
    }

    @Test
    void aDismissalNotifies() throws SQLException {
        UUID id = tasks.aFailedTask(OWNER);
        notifications(5000);

        sql.execute("SELECT dismiss_background_task(?, ?)", id, OWNER);

        assertThat(notifications(5000)).singleElement().satisfies(n -> {
            assertThat(n.get("dismissed").asBoolean()).isTrue();
            assertThat(n.get("status").asString()).isEqualTo("failed");
        });
    }

    @Test
    void aChangeThatIsNotAStatusChangeDoesNotNotifyOrMoveTheSequence() throws SQLException {
        UUID id = tasks.aPendingTask(OWNER);
        notifications(5000);
        Object seq = sql.value("SELECT change_seq FROM background_tasks WHERE id = ?", id);

        sql.execute("UPDATE background_tasks SET entity_name = 'Jane Q. Doe' WHERE id = ?", id);

        assertThat(notifications(300)).isEmpty();
        assertThat(sql.value("SELECT change_seq FROM background_tasks WHERE id = ?", id))
                .isEqualTo(seq);
    }

    @Test
    void aRolledBackChangeNeverNotifies() throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            Sql.query(connection, "SELECT create_background_task('client', gen_random_uuid(), 'A', 'sync_quo', NULL)");
            connection.rollback();
        }

        assertThat(notifications(300)).isEmpty();
    }

    /** Rows the way the projection writes them: many per statement, in a transaction marked as the projection's. */
    private static final String PROJECTED_INSERT = """
            INSERT INTO background_tasks (entity_type, entity_id, entity_name, task_type, created_by)
            SELECT 'client', gen_random_uuid(), CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END, 'sync_quo', ?
            FROM generate_series(1, ?) AS i""";

    private void asTheProjection(boolean commit, String statement, Object... parameters) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            Sql.query(connection, "SELECT set_config('tasklane.writer', 'projection', true)");
            Sql.query(connection, statement, parameters);
            if (commit) {
                connection.commit();
            } else {
                connection.rollback();
            }
        }
    }

    @Test
    void aProjectionStatementNotifiesOnceWithTheRangeItWroteWhateverItsSize() throws SQLException {
        // 1,000 ids alone would be 37 KB, far more than a notification may carry (8,000 bytes)
        asTheProjection(true, PROJECTED_INSERT, OWNER, 1000);

        assertThat(notifications(5000)).singleElement().satisfies(n -> {
            assertThat(n.get("changes").asLong()).isEqualTo(1000);
            assertThat(n.get("first_change_seq").asLong())
                    .isEqualTo(sql.value("SELECT min(change_seq) FROM background_tasks"));
            assertThat(n.get("last_change_seq").asLong())
                    .isEqualTo(sql.value("SELECT max(change_seq) FROM background_tasks"));
        });
    }

    @Test
    void aProjectionUpdateNotifiesOnceForTheRowsWhoseStatusChanged() throws SQLException {
        asTheProjection(true, PROJECTED_INSERT, OWNER, 600);
        notifications(5000);
        long before = (Long) sql.value("SELECT max(change_seq) FROM background_tasks");

        // a statement that leaves updated_at and change_seq to the trigger: it still runs for it
        asTheProjection(
                true,
                "UPDATE background_tasks SET entity_name = entity_name || '!', "
                        + "status = CASE WHEN entity_name = 'even' THEN 'running' ELSE status END");

        assertThat(notifications(5000)).singleElement().satisfies(n -> {
            assertThat(n.get("changes").asLong()).isEqualTo(300);
            assertThat(n.get("first_change_seq").asLong()).isGreaterThan(before);
        });
        assertThat(sql.value("SELECT count(*) FROM background_tasks WHERE change_seq > ?", before))
                .isEqualTo(300L);
        assertThat(sql.value("SELECT count(*) FROM background_tasks WHERE updated_at > created_at"))
                .isEqualTo(600L);

        asTheProjection(true, "UPDATE background_tasks SET entity_name = 'renamed'");
        assertThat(notifications(300)).isEmpty();
    }

    @Test
    void aRolledBackProjectionStatementNeverNotifies() throws SQLException {
        asTheProjection(false, PROJECTED_INSERT, OWNER, 10);

        assertThat(notifications(300)).isEmpty();
    }

    @Test
    void projectedRowsThatDoTheTriggersWorkCallNoRowTrigger() throws SQLException {
        asTheProjection(true, PROJECTED_INSERT, OWNER, 200);
        notifications(5000);
        Map<String, Object> calls;
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            Sql.query(connection, "SET LOCAL track_functions = 'pl'");
            Sql.query(connection, "SELECT set_config('tasklane.writer', 'projection', true)");
            Sql.query(connection, PROJECTED_INSERT, OWNER, 200);
            // what the ledger's UPDATE does: updated_at and change_seq set by the statement itself
            Sql.query(
                    connection,
                    "UPDATE background_tasks SET status = 'running', started_at = now(), "
                            + "updated_at = now(), change_seq = nextval('public.background_task_change_seq') "
                            + "WHERE status = 'pending' AND created_at < now()");
            calls = new java.util.TreeMap<>();
            for (Map<String, Object> row : Sql.query(
                    connection,
                    "SELECT funcname, calls FROM pg_stat_xact_user_functions WHERE funcname LIKE 'background_tasks_%'")) {
                calls.put((String) row.get("funcname"), row.get("calls"));
            }
            connection.commit();
        }

        assertThat(calls).containsExactly(Map.entry("background_tasks_notify_statement", 2L));
        assertThat(notifications(5000))
                .extracting(n -> n.get("changes").asLong())
                .containsExactlyInAnyOrder(200L, 200L);
    }
}
