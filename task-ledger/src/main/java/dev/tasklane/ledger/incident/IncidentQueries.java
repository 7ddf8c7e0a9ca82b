package dev.tasklane.ledger.incident;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.auth.Caller;
import dev.tasklane.ledger.system.CallerTransactions;
import dev.tasklane.ledger.system.LedgerProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What a caller may read of the incidents and of the tasks waiting for an outage. Every query runs as the caller
 * under row-level security: a user's incidents are those with a failure of theirs, and the counts, names and records
 * are of their own tasks only.
 */
@Component
public class IncidentQueries {

    /** Records listed per incident; the rest are counted. */
    static final int RECORDS_LISTED = 20;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    private final JdbcTemplate jdbc;
    private final CallerTransactions callers;
    private final LedgerProperties properties;

    IncidentQueries(JdbcTemplate jdbc, CallerTransactions callers, LedgerProperties properties) {
        this.jdbc = jdbc;
        this.callers = callers;
        this.properties = properties;
    }

    /** Open and regressed incidents (and resolved ones too when {@code includeResolved}), latest first. */
    List<IncidentView> incidents(Caller caller, boolean includeResolved, int limit) {
        return callers.asCaller(caller, () -> {
            List<IncidentView> found = jdbc.query("""
                    SELECT i.id, i.task_type, i.source, i.error_code, i.title, i.advice, i.state, i.resolved_at,
                           i.regressed_at, min(f.failed_at) AS first_seen, max(f.failed_at) AS last_seen,
                           count(*) FILTER (WHERE f.left_at IS NULL) AS open_tasks, count(*) AS total_tasks
                    FROM task_incidents i JOIN task_failures f ON f.incident_id = i.id
                    WHERE ? OR i.state <> 'resolved'
                    GROUP BY i.id
                    ORDER BY i.state = 'resolved', max(f.failed_at) DESC, i.id
                    LIMIT ?""", (row, n) -> new IncidentView(row.getObject("id", UUID.class),
                    row.getString("task_type"), row.getString("source"), row.getString("error_code"),
                    row.getString("title"), row.getString("advice"), row.getString("state"),
                    row.getObject("first_seen", OffsetDateTime.class), row.getObject("last_seen", OffsetDateTime.class),
                    row.getObject("resolved_at", OffsetDateTime.class),
                    row.getObject("regressed_at", OffsetDateTime.class), row.getInt("open_tasks"),
                    row.getInt("total_tasks"), properties.retryableTaskTypes().contains(row.getString("task_type")),
                    new ArrayList<>(), new ArrayList<>()), includeResolved, limit);
            if (found.isEmpty()) {
                return found;
            }
            Map<UUID, IncidentView> byId = new HashMap<>();
            found.forEach(incident -> byId.put(incident.id(), incident));
            Object ids = found.stream().map(incident -> incident.id().toString()).toArray(String[]::new);
            jdbc.query("""
                    SELECT incident_id, created_by, max(created_by_name) AS name,
                           count(*) FILTER (WHERE left_at IS NULL) AS open_tasks
                    FROM task_failures WHERE incident_id = ANY(?::uuid[])
                    GROUP BY incident_id, created_by ORDER BY open_tasks DESC, name""", row -> {
                byId.get(row.getObject("incident_id", UUID.class)).people().add(new IncidentView.Person(
                        row.getObject("created_by", UUID.class), row.getString("name"), row.getInt("open_tasks")));
            }, ids);
            jdbc.query("""
                    SELECT incident_id, task_id, task_type, entity_type, entity_name, created_by_name, failed_at
                    FROM (SELECT f.*, row_number() OVER (PARTITION BY incident_id ORDER BY failed_at DESC, task_id) AS n
                          FROM task_failures f WHERE incident_id = ANY(?::uuid[]) AND left_at IS NULL) listed
                    WHERE n <= ? ORDER BY failed_at DESC, task_id""", row -> {
                byId.get(row.getObject("incident_id", UUID.class)).records().add(new IncidentView.Record(
                        row.getObject("task_id", UUID.class), TaskWords.summary(row.getString("task_type"),
                        row.getString("entity_type"), row.getString("entity_name")), row.getString("entity_type"),
                        row.getString("entity_name"), row.getString("created_by_name"),
                        row.getObject("failed_at", OffsetDateTime.class)));
            }, ids, RECORDS_LISTED);
            return found;
        });
    }

    /** Tasks held back for an outage, by task type and API. */
    List<IncidentView.Waiting> waiting(Caller caller) {
        return callers.asCaller(caller, () -> jdbc.query("""
                SELECT task_type, waiting_for, min(waiting_since) AS since, count(*) AS tasks FROM background_tasks
                WHERE status IN ('pending', 'running') AND waiting_since IS NOT NULL
                GROUP BY task_type, waiting_for ORDER BY since""", (row, n) -> {
            String service = TaskWords.service(row.getString("waiting_for"));
            OffsetDateTime since = row.getObject("since", OffsetDateTime.class);
            int tasks = row.getInt("tasks");
            return new IncidentView.Waiting(row.getString("task_type"), row.getString("waiting_for"), service, since,
                    tasks, waitingMessage(service, since, tasks));
        }));
    }

    static String waitingMessage(String service, OffsetDateTime since, int tasks) {
        return "Waiting for " + service + " since " + CLOCK.format(since.atZoneSameInstant(ZoneOffset.UTC)) + " UTC — "
                + tasks + (tasks == 1 ? " task; it runs by itself" : " tasks; they run by themselves") + " when it answers.";
    }
}
