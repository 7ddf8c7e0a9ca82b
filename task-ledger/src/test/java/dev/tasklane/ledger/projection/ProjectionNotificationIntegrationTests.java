package dev.tasklane.ledger.projection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.ledger.TaskEvents;
import dev.tasklane.ledger.incident.IncidentBook;
import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the realtime stream hears of a projected batch: one notification per statement, naming the range of
 * {@code change_seq} it wrote, however many rows (a batch's ids would not fit PostgreSQL's 8,000-byte payload). The
 * projector alone on a database of its own, so every notification is the projector's.
 */
class ProjectionNotificationIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int TASKS = 300;

    private final TestDatabase database = TestPostgres.newDatabase();
    private final DataSource dataSource =
            new DriverManagerDataSource(database.url(), database.user(), database.password());
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final TaskProjector projector = new TaskProjector(
            jdbc,
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            new TaskRows(),
            new FailureInbox(jdbc, new IncidentBook(jdbc)),
            new SimpleMeterRegistry());
    private final List<JsonNode> received = new ArrayList<>();
    private Connection listener;

    @BeforeEach
    void listen() throws SQLException {
        listener = dataSource.getConnection();
        try (Statement statement = listener.createStatement()) {
            statement.execute("LISTEN background_task_changes");
        }
    }

    @AfterEach
    void close() throws SQLException {
        listener.close();
    }

    /** Waits until {@code count} notifications arrived, then for any more for a moment, and returns them all. */
    private List<JsonNode> notifications(int count) throws SQLException {
        await().until(() -> poll(100) >= count);
        poll(300);
        List<JsonNode> all = List.copyOf(received);
        received.clear();
        return all;
    }

    private int poll(int millis) throws SQLException {
        PGNotification[] batch = listener.unwrap(PGConnection.class).getNotifications(millis);
        if (batch != null) {
            for (PGNotification notification : batch) {
                received.add(JSON.readTree(notification.getParameter()));
            }
        }
        return received.size();
    }

    private long seq(String sql) {
        return jdbc.queryForObject(sql, Long.class);
    }

    @Test
    void aBatchNotifiesOncePerStatementWithTheRangeItWrote() throws SQLException {
        List<TaskEvents> tasks = new ArrayList<>();
        List<TaskEvent> requests = new ArrayList<>();
        Instant t0 = Instant.now();
        for (int i = 0; i < TASKS; i++) {
            TaskEvents task = TaskEvents.aTask(UUID.randomUUID());
            tasks.add(task);
            requests.add(task.requested(t0));
        }

        projector.project(requests);

        assertThat(notifications(1)).singleElement().satisfies(n -> {
            assertThat(n.get("changes").asLong()).isEqualTo(TASKS);
            assertThat(n.get("first_change_seq").asLong())
                    .isEqualTo(seq("SELECT min(change_seq) FROM background_tasks"));
            assertThat(n.get("last_change_seq").asLong())
                    .isEqualTo(seq("SELECT max(change_seq) FROM background_tasks"));
        });

        long before = seq("SELECT max(change_seq) FROM background_tasks");
        List<TaskEvent> next = new ArrayList<>();
        for (TaskEvents task : tasks) {
            next.add(task.started(t0.plusMillis(10)));
        }
        TaskEvents newcomer = TaskEvents.aTask(UUID.randomUUID());
        next.add(newcomer.requested(t0));

        projector.project(next);

        // one INSERT (the newcomer) and one UPDATE (every started task), each one notification
        assertThat(notifications(2)).extracting(n -> n.get("changes").asLong()).containsExactlyInAnyOrder(1L, (long)
                TASKS);
        assertThat(seq("SELECT count(*) FROM background_tasks WHERE change_seq > " + before))
                .isEqualTo(TASKS + 1);
        assertThat(seq("SELECT count(*) FROM background_tasks WHERE status = 'running' AND updated_at > created_at"))
                .isEqualTo(TASKS);
    }

    @Test
    void aLateRequestThatOnlyFillsInKeepsThePositionAndNotifiesNothing() throws SQLException {
        TaskEvents task = TaskEvents.aTask(UUID.randomUUID());
        Instant t0 = Instant.now();
        projector.project(List.of(task.completed(t0.plusMillis(2))));
        notifications(1);
        String where = " FROM background_tasks WHERE id = '" + task.id() + "'";
        long position = seq("SELECT change_seq" + where);

        // the request arrives last: it fills in the payload and the creation time, the status stays completed
        projector.project(List.of(task.requested(t0)));

        assertThat(jdbc.queryForObject("SELECT payload ->> 'client_id' IS NOT NULL" + where, Boolean.class))
                .isTrue();
        assertThat(poll(300)).isZero();
        assertThat(seq("SELECT change_seq" + where)).isEqualTo(position);
    }
}
