package dev.tasklane.ledger.realtime;

import java.sql.DriverManager;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.tasklane.ledger.incident.IncidentBook;
import dev.tasklane.schema.PgNotificationListener;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Listens to {@code task_incident_changes} (sent at commit by {@link IncidentBook}) and hands each changed incident to
 * {@link TaskEventStream}: supervisors and admins get its cause, state and times; a user with a failure of theirs still
 * in it gets its cause in words only (the incident's state and times include other people's failures); nobody gets
 * counts or names. A browser counts its own tasks from their {@code task} events and asks {@code GET /incidents} for
 * its own view. An incident merged into another is announced as {@code {"id", "state": "gone"}} to everyone.
 * A change missed while the connection was down is not replayed: the next change of the incident, or a reload, brings
 * the incident as it is then.
 */
@Component
@Profile("!rebuild")
class IncidentChangeListener implements SmartLifecycle {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;
    private final TaskEventStream stream;
    private final PgNotificationListener listener;

    /** An incident's cause and state, as the {@code incident} event of {@code /task-events} carries it. */
    record IncidentChange(
            UUID id,
            String taskType,
            String source,
            String errorCode,
            String title,
            String advice,
            String state,
            OffsetDateTime firstSeen,
            OffsetDateTime lastSeen,
            OffsetDateTime resolvedAt,
            OffsetDateTime regressedAt) {}

    IncidentChangeListener(DataSourceProperties database, JdbcTemplate jdbc, TaskEventStream stream) {
        this.jdbc = jdbc;
        this.stream = stream;
        this.listener = new PgNotificationListener(
                IncidentBook.CHANNEL,
                () -> DriverManager.getConnection(
                        database.determineUrl(), database.determineUsername(), database.determinePassword()),
                this::dispatch,
                () -> {});
    }

    @Override
    public void start() {
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
        if (!stream.hasSubscribers()) {
            return;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String payload : payloads) {
            JsonNode change = JSON.readTree(payload);
            change.get("ids").forEach(id -> ids.add(id.asString()));
        }
        Object idArray = ids.toArray(String[]::new);
        Map<UUID, Set<UUID>> concerned = new HashMap<>();
        jdbc.query(
                "SELECT DISTINCT incident_id, created_by FROM task_failures WHERE incident_id = ANY(?::uuid[]) "
                        + "AND created_by IS NOT NULL AND left_at IS NULL",
                row -> {
                    concerned
                            .computeIfAbsent(row.getObject("incident_id", UUID.class), id -> new HashSet<>())
                            .add(row.getObject("created_by", UUID.class));
                },
                idArray);
        Set<String> gone = new LinkedHashSet<>(ids);
        jdbc.query(
                """
                SELECT id, task_type, source, error_code, title, advice, state, first_seen, last_seen, resolved_at,
                       regressed_at FROM task_incidents WHERE id = ANY(?::uuid[]) ORDER BY change_seq""",
                row -> {
                    IncidentChange change = new IncidentChange(
                            row.getObject("id", UUID.class),
                            row.getString("task_type"),
                            row.getString("source"),
                            row.getString("error_code"),
                            row.getString("title"),
                            row.getString("advice"),
                            row.getString("state"),
                            row.getObject("first_seen", OffsetDateTime.class),
                            row.getObject("last_seen", OffsetDateTime.class),
                            row.getObject("resolved_at", OffsetDateTime.class),
                            row.getObject("regressed_at", OffsetDateTime.class));
                    gone.remove(change.id().toString());
                    stream.publishIncident(
                            change.id(),
                            change,
                            IncidentCause.of(change),
                            concerned.getOrDefault(change.id(), Set.of()));
                },
                idArray);
        // an incident merged into another (a late, earlier failure joined them): browsers drop it and reload
        gone.forEach(id -> {
            Map<String, String> merged = Map.of("id", id, "state", "gone");
            stream.publishIncident(UUID.fromString(id), merged, merged, null);
        });
    }

    /** What a user with an open failure in the incident is told of it: its cause in words, no counts, state or times. */
    record IncidentCause(UUID id, String taskType, String source, String errorCode, String title, String advice) {

        static IncidentCause of(IncidentChange change) {
            return new IncidentCause(
                    change.id(),
                    change.taskType(),
                    change.source(),
                    change.errorCode(),
                    change.title(),
                    change.advice());
        }
    }
}
