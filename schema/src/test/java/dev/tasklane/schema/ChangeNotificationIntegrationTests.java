package dev.tasklane.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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

/** The pg_notify the realtime stream builds on: on every status change and dismissal, at commit, never on rollback. */
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

        assertThat(received).extracting(n -> n.get("status").asString())
                .containsExactly("pending", "running", "failed");
        assertThat(received).allSatisfy(n -> {
            assertThat(n.get("id").asString()).isEqualTo(id.toString());
            assertThat(n.get("created_by").asString()).isEqualTo(OWNER.toString());
            assertThat(n.get("task_type").asString()).isEqualTo("sync_quo");
        });
        assertThat(received).extracting(n -> n.get("change_seq").asLong()).isSorted().doesNotHaveDuplicates();
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
        assertThat(sql.value("SELECT change_seq FROM background_tasks WHERE id = ?", id)).isEqualTo(seq);
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
}
