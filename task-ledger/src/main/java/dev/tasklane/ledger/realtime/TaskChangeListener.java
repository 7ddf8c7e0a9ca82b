package dev.tasklane.ledger.realtime;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tasklane.ledger.query.TaskView;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Listens to the database's {@code background_task_changes} notifications on a connection of its own and hands each
 * changed task to {@link TaskEventStream}. Every ledger instance listens, so every instance can serve every user,
 * whichever instance projected the change. When the connection drops it reconnects with backoff and replays what
 * changed in between.
 */
@Component
@Profile("!rebuild")
class TaskChangeListener implements SmartLifecycle {

    static final String CHANNEL = "background_task_changes";
    private static final Log LOG = LogFactory.getLog(TaskChangeListener.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final DataSourceProperties database;
    private final JdbcTemplate jdbc;
    private final TaskEventStream stream;
    private volatile boolean running;
    private volatile long lastSeen;
    private Thread thread;

    TaskChangeListener(DataSourceProperties database, JdbcTemplate jdbc, TaskEventStream stream) {
        this.database = database;
        this.jdbc = jdbc;
        this.stream = stream;
    }

    @Override
    public void start() {
        lastSeen = jdbc.queryForObject("SELECT coalesce(max(change_seq), 0) FROM background_tasks", Long.class);
        running = true;
        thread = new Thread(this::listen, "task-change-listener");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try (Connection connection = DriverManager.getConnection(database.determineUrl(),
                    database.determineUsername(), database.determinePassword())) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                catchUp();
                backoff = Duration.ofSeconds(1);
                PGConnection notifications = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] batch = notifications.getNotifications(1000);
                    if (batch != null && batch.length > 0) {
                        dispatch(batch);
                    }
                }
            }
            catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("Lost the database notifications of task changes (" + e.getMessage() + "); reconnecting in "
                        + backoff.toSeconds() + " s. Open streams resume with what changed meanwhile.");
                try {
                    Thread.sleep(backoff.toMillis());
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void dispatch(PGNotification[] batch) {
        List<String> ids = new ArrayList<>(batch.length);
        for (PGNotification notification : batch) {
            JsonNode change = JSON.readTree(notification.getParameter());
            ids.add(change.get("id").asString());
            lastSeen = Math.max(lastSeen, change.get("change_seq").asLong());
        }
        if (stream.hasSubscribers()) {
            jdbc.query("SELECT " + TaskView.COLUMNS + " FROM background_tasks WHERE id = ANY(?::uuid[]) ORDER BY change_seq",
                    TaskView.MAPPER, (Object) ids.toArray(String[]::new)).forEach(stream::publish);
        }
    }

    /** What changed while the connection was down, in order. */
    private void catchUp() {
        if (!stream.hasSubscribers()) {
            return;
        }
        List<TaskView> missed = jdbc.query("SELECT " + TaskView.COLUMNS
                + " FROM background_tasks WHERE change_seq > ? ORDER BY change_seq LIMIT 10000", TaskView.MAPPER, lastSeen);
        missed.forEach(task -> {
            stream.publish(task);
            lastSeen = Math.max(lastSeen, task.changeSeq());
        });
    }
}
