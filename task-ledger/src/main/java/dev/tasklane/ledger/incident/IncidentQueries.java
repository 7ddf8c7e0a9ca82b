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

    /**
     * Open and regressed incidents (and resolved ones too when {@code includeResolved}), latest first. Everything is
     * read from the caller's own view of the failure history (row-level security), so a user's counts, times, people
     * and records are of their own tasks, and so is the state: open while one of their failures is still in their
     * inbox, regressed when one came after all their earlier ones had left. Only supervisors and admins, who see every
     * failure, get the incident's own state and times; the cause's title and advice are read by the service.
     */
    List<IncidentView> incidents(Caller caller, boolean includeResolved, int limit) {
        return callers.asCaller(caller, () -> {
            List<IncidentView> found = jdbc.query(
                    """
                    SELECT incident_id, min(failed_at) AS first_seen, max(failed_at) AS last_seen,
                           count(*) FILTER (WHERE left_at IS NULL) AS open_tasks, count(*) AS total_tasks,
                           max(left_at) AS last_left,
                           CASE WHEN max(left_at) <= min(failed_at) FILTER (WHERE left_at IS NULL)
                                THEN min(failed_at) FILTER (WHERE left_at IS NULL) END AS own_regression
                    FROM task_failures WHERE incident_id IS NOT NULL
                    GROUP BY incident_id
                    HAVING ? OR count(*) FILTER (WHERE left_at IS NULL) > 0
                    ORDER BY count(*) FILTER (WHERE left_at IS NULL) = 0, max(failed_at) DESC, incident_id
                    LIMIT ?""",
                    (row, n) -> {
                        int open = row.getInt("open_tasks");
                        OffsetDateTime regression = row.getObject("own_regression", OffsetDateTime.class);
                        return new IncidentView(
                                row.getObject("incident_id", UUID.class),
                                null,
                                null,
                                null,
                                null,
                                null,
                                open == 0 ? "resolved" : regression != null ? "regressed" : "open",
                                row.getObject("first_seen", OffsetDateTime.class),
                                row.getObject("last_seen", OffsetDateTime.class),
                                open == 0 ? row.getObject("last_left", OffsetDateTime.class) : null,
                                regression,
                                open,
                                row.getInt("total_tasks"),
                                false,
                                new ArrayList<>(),
                                new ArrayList<>());
                    },
                    includeResolved,
                    limit);
            if (found.isEmpty()) {
                return found;
            }
            Map<UUID, IncidentView> byId = new HashMap<>();
            found.forEach(incident -> byId.put(incident.id(), incident));
            Object ids =
                    found.stream().map(incident -> incident.id().toString()).toArray(String[]::new);
            jdbc.query(
                    """
                    SELECT incident_id, created_by, max(created_by_name) AS name,
                           count(*) FILTER (WHERE left_at IS NULL) AS open_tasks
                    FROM task_failures WHERE incident_id = ANY(?::uuid[])
                    GROUP BY incident_id, created_by ORDER BY open_tasks DESC, name""",
                    row -> {
                        byId.get(row.getObject("incident_id", UUID.class))
                                .people()
                                .add(new IncidentView.Person(
                                        row.getObject("created_by", UUID.class),
                                        row.getString("name"),
                                        row.getInt("open_tasks")));
                    },
                    ids);
            jdbc.query(
                    """
                    SELECT incident_id, task_id, task_type, entity_type, entity_name, created_by_name, failed_at
                    FROM (SELECT f.*, row_number() OVER (PARTITION BY incident_id ORDER BY failed_at DESC, task_id) AS n
                          FROM task_failures f WHERE incident_id = ANY(?::uuid[]) AND left_at IS NULL) listed
                    WHERE n <= ? ORDER BY failed_at DESC, task_id""",
                    row -> {
                        byId.get(row.getObject("incident_id", UUID.class))
                                .records()
                                .add(new IncidentView.Record(
                                        row.getObject("task_id", UUID.class),
                                        TaskWords.summary(
                                                row.getString("task_type"),
                                                row.getString("entity_type"),
                                                row.getString("entity_name")),
                                        row.getString("entity_type"),
                                        row.getString("entity_name"),
                                        row.getString("created_by_name"),
                                        row.getObject("failed_at", OffsetDateTime.class)));
                    },
                    ids,
                    RECORDS_LISTED);

            // the cause in words for everyone; the incident's own state and times only for those who see all of it
            callers.asService();
            Map<UUID, IncidentView> named = new HashMap<>();
            jdbc.query(
                    """
                    SELECT id, task_type, source, error_code, title, advice, state, resolved_at, regressed_at
                    FROM task_incidents WHERE id = ANY(?::uuid[])""",
                    row -> {
                        IncidentView own = byId.get(row.getObject("id", UUID.class));
                        boolean all = caller.seesEveryone();
                        named.put(
                                own.id(),
                                new IncidentView(
                                        own.id(),
                                        row.getString("task_type"),
                                        row.getString("source"),
                                        row.getString("error_code"),
                                        row.getString("title"),
                                        row.getString("advice"),
                                        all ? row.getString("state") : own.state(),
                                        own.firstSeen(),
                                        own.lastSeen(),
                                        all ? row.getObject("resolved_at", OffsetDateTime.class) : own.resolvedAt(),
                                        all ? row.getObject("regressed_at", OffsetDateTime.class) : own.regressedAt(),
                                        own.openTasks(),
                                        own.totalTasks(),
                                        properties.retryableTaskTypes().contains(row.getString("task_type")),
                                        own.people(),
                                        own.records()));
                    },
                    ids);
            return found.stream()
                    .map(incident -> named.get(incident.id()))
                    .filter(java.util.Objects::nonNull)
                    .toList();
        });
    }

    /** Tasks held back for an outage, by task type and API. */
    List<IncidentView.Waiting> waiting(Caller caller) {
        return callers.asCaller(
                caller,
                () -> jdbc.query("""
                SELECT task_type, waiting_for, min(waiting_since) AS since, count(*) AS tasks FROM background_tasks
                WHERE status IN ('pending', 'running') AND waiting_since IS NOT NULL
                GROUP BY task_type, waiting_for ORDER BY since""", (row, n) -> {
                    String service = TaskWords.service(row.getString("waiting_for"));
                    OffsetDateTime since = row.getObject("since", OffsetDateTime.class);
                    int tasks = row.getInt("tasks");
                    return new IncidentView.Waiting(
                            row.getString("task_type"),
                            row.getString("waiting_for"),
                            service,
                            since,
                            tasks,
                            waitingMessage(service, since, tasks));
                }));
    }

    static String waitingMessage(String service, OffsetDateTime since, int tasks) {
        return "Waiting for " + service + " since " + CLOCK.format(since.atZoneSameInstant(ZoneOffset.UTC)) + " UTC — "
                + tasks + (tasks == 1 ? " task; it runs by itself" : " tasks; they run by themselves")
                + " when it answers.";
    }
}
