package dev.tasklane.ledger.realtime;

import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

import dev.tasklane.ledger.query.TaskView;
import dev.tasklane.schema.PgNotificationListener;
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
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;
    private final TaskEventStream stream;
    private final PgNotificationListener listener;
    private volatile long lastSeen;

    TaskChangeListener(DataSourceProperties database, JdbcTemplate jdbc, TaskEventStream stream) {
        this.jdbc = jdbc;
        this.stream = stream;
        this.listener = new PgNotificationListener(CHANNEL, () -> DriverManager.getConnection(database.determineUrl(),
                database.determineUsername(), database.determinePassword()), this::dispatch, this::catchUp);
    }

    @Override
    public void start() {
        lastSeen = jdbc.queryForObject("SELECT coalesce(max(change_seq), 0) FROM background_tasks", Long.class);
        listener.start();
    }

    @Override
    public void stop() {
        listener.stop();
    }

    @Override
    public boolean isRunning() {
        return listener.isRunning();
    }

    private void dispatch(List<String> payloads) {
        List<String> ids = new ArrayList<>(payloads.size());
        for (String payload : payloads) {
            JsonNode change = JSON.readTree(payload);
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
