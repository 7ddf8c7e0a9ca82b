package dev.tasklane.ledger.realtime;

import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 *
 * <p>A notification names the changes by {@code change_seq}: a statement of the projection sends one for all its rows
 * ({@code first_change_seq} … {@code last_change_seq}), any other writer one per row ({@code change_seq}, with the
 * row's id and status). Either way the rows are read by that position, in order; a range may hold rows of another
 * transaction, which have a notification of their own, so a change already published is not published again.
 */
@Component
@Profile("!rebuild")
class TaskChangeListener implements SmartLifecycle {

    static final String CHANNEL = "background_task_changes";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Enough to cover the seconds in which overlapping ranges of concurrent transactions arrive. */
    private static final int RECENTLY_PUBLISHED = 20_000;

    private final JdbcTemplate jdbc;
    private final TaskEventStream stream;
    private final PgNotificationListener listener;
    private volatile long lastSeen;
    /** The change_seq of the changes published lately; touched only by the listener's thread. */
    private final Set<Long> published = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > RECENTLY_PUBLISHED;
        }
    });

    TaskChangeListener(DataSourceProperties database, JdbcTemplate jdbc, TaskEventStream stream) {
        this.jdbc = jdbc;
        this.stream = stream;
        this.listener = new PgNotificationListener(
                CHANNEL,
                () -> DriverManager.getConnection(
                        database.determineUrl(), database.determineUsername(), database.determinePassword()),
                this::dispatch,
                this::catchUp);
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
        List<long[]> ranges = new ArrayList<>(payloads.size());
        for (String payload : payloads) {
            JsonNode change = JSON.readTree(payload);
            long[] range = change.has("first_change_seq")
                    ? new long[] {
                        change.get("first_change_seq").asLong(),
                        change.get("last_change_seq").asLong()
                    }
                    : new long[] {
                        change.get("change_seq").asLong(),
                        change.get("change_seq").asLong()
                    };
            ranges.add(range);
            lastSeen = Math.max(lastSeen, range[1]);
        }
        if (!stream.hasSubscribers()) {
            return;
        }
        List<long[]> merged = merge(ranges);
        jdbc.query(
                        "SELECT " + TaskView.COLUMNS + " FROM background_tasks JOIN unnest(?::bigint[], ?::bigint[]) "
                                + "AS r (first_seq, last_seq) ON change_seq BETWEEN r.first_seq AND r.last_seq ORDER BY change_seq",
                        TaskView.MAPPER,
                        merged.stream().map(range -> range[0]).toArray(Long[]::new),
                        merged.stream().map(range -> range[1]).toArray(Long[]::new))
                .forEach(this::publishOnce);
    }

    /** Sorted, with overlapping and adjacent ranges joined, so each row is read once. */
    static List<long[]> merge(List<long[]> ranges) {
        List<long[]> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong((long[] range) -> range[0]));
        List<long[]> merged = new ArrayList<>(sorted.size());
        for (long[] range : sorted) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], range[1]);
            } else {
                merged.add(new long[] {range[0], range[1]});
            }
        }
        return merged;
    }

    private void publishOnce(TaskView task) {
        if (published.add(task.changeSeq())) {
            stream.publish(task);
        }
    }

    /** What changed while the connection was down, in order. */
    private void catchUp() {
        if (!stream.hasSubscribers()) {
            return;
        }
        List<TaskView> missed = jdbc.query(
                "SELECT " + TaskView.COLUMNS
                        + " FROM background_tasks WHERE change_seq > ? ORDER BY change_seq LIMIT 10000",
                TaskView.MAPPER,
                lastSeen);
        missed.forEach(task -> {
            publishOnce(task);
            lastSeen = Math.max(lastSeen, task.changeSeq());
        });
    }
}
