package dev.tasklane.ledger.projection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskStatus;
import dev.tasklane.ledger.incident.IncidentBook;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What the failure inbox derives from a projected batch, in the batch's transaction: failures superseded by a later
 * completed run of the same task type for the same record, the failure history ({@code task_failures}) with when and
 * how each failure left the inbox, and the incidents of every cause that changed. Each step is one statement for the
 * whole batch; a batch without failures and without a record that has one costs two cheap statements.
 */
@Component
public class FailureInbox {

    /**
     * A failure leaves the inbox when a task of the same type for the same record started after it failed and
     * completed. The earliest way out wins, whatever the order the ledger hears of them in: the earliest such
     * completion, unless the failure was dismissed or resolved earlier still (and a dismissal earlier than a
     * supersession replaces it: {@link TaskProjection}). Runs both ways: for completions of the batch and for failures of
     * the batch that arrive after a later run completed. The update checks again that the row is still that failed
     * attempt: a retry may have moved it on since the statement's snapshot.
     */
    static final String SUPERSEDE = """
            WITH record AS (
                SELECT DISTINCT * FROM unnest(?::text[], ?::text[], ?::uuid[]) AS k (task_type, entity_type, entity_id)
            ), earliest AS (
                SELECT DISTINCT ON (f.id) f.id AS failed_id, f.attempt, f.failed_at, c.id AS by_id, c.completed_at
                FROM record k
                JOIN background_tasks f ON f.task_type = k.task_type AND f.entity_type = k.entity_type
                     AND f.entity_id = k.entity_id AND f.status = 'failed'
                JOIN background_tasks c ON c.task_type = f.task_type AND c.entity_type = f.entity_type
                     AND c.entity_id = f.entity_id AND c.status = 'completed' AND c.id <> f.id
                     AND c.started_at > f.failed_at
                ORDER BY f.id, c.completed_at, c.id
            )
            UPDATE background_tasks t SET dismissed_at = e.completed_at, dismissed_by = NULL, resolution = 'superseded',
                resolved_by = e.by_id, updated_at = now(), change_seq = nextval('public.background_task_change_seq')
            FROM earliest e
            WHERE t.id = e.failed_id AND t.status = 'failed' AND t.attempt = e.attempt AND t.failed_at = e.failed_at
              AND (t.dismissed_at IS NULL OR e.completed_at < t.dismissed_at
                   OR e.completed_at = t.dismissed_at AND t.resolution = 'superseded' AND e.by_id < t.resolved_by)
            RETURNING t.id""";

    /** Every failed attempt, once per cause; the earliest report of it wins. */
    static final String RECORD_FAILURES = """
            INSERT INTO task_failures AS f (task_id, attempt, source, error_code, task_type, entity_type, entity_id,
                                            entity_name, created_by, error_message, failed_at)
            SELECT * FROM unnest(?::uuid[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::text[],
                                 ?::uuid[], ?::text[], ?::timestamptz[])
            ON CONFLICT (task_id, attempt, source, error_code) DO UPDATE
                SET failed_at = excluded.failed_at, error_message = excluded.error_message
                WHERE excluded.failed_at < f.failed_at
            RETURNING f.task_type, f.source, f.error_code""";

    /**
     * When and how each failure of the batch's tasks left the inbox, as a function of the task's row now: a later
     * attempt (retried), a dismissal or a resolution of that failure, a completion of the same attempt (recovered), or
     * another failure of the same attempt (replaced); a task moved to the archive still failed left with the move
     * (archived). A retried failure left when the next attempt began: once the task is further on, that time is kept
     * rather than moved to a later attempt's. Returns the causes whose history changed.
     */
    static final String SETTLE = """
            UPDATE task_failures f SET left_at = x.left_at, left_how = x.left_how, created_by_name = x.created_by_name,
                entity_name = x.entity_name
            FROM (SELECT g.task_id, g.attempt, g.source, g.error_code,
                    coalesce(CASE WHEN t.attempt = g.attempt + 1 THEN coalesce(t.attempt_at, g.failed_at)
                                  WHEN t.attempt > g.attempt THEN coalesce(g.left_at, t.attempt_at, g.failed_at)
                                  WHEN t.attempt < g.attempt THEN NULL
                                  WHEN t.status = 'failed' AND t.error_code = g.error_code AND t.error_source = g.source
                                      THEN t.dismissed_at
                                  WHEN t.status = 'completed' THEN t.completed_at
                                  WHEN t.status = 'failed' THEN greatest(t.failed_at, g.failed_at)
                             END, t.archived_at) AS left_at,
                    coalesce(CASE WHEN t.attempt > g.attempt THEN 'retried'
                                  WHEN t.attempt < g.attempt THEN NULL
                                  WHEN t.status = 'failed' AND t.error_code = g.error_code AND t.error_source = g.source
                                      THEN CASE WHEN t.dismissed_at IS NOT NULL THEN coalesce(t.resolution, 'dismissed') END
                                  WHEN t.status = 'completed' THEN 'recovered'
                                  WHEN t.status = 'failed' THEN 'replaced'
                             END, CASE WHEN t.archived_at IS NOT NULL THEN 'archived' END) AS left_how,
                    coalesce(t.created_by_name, g.created_by_name) AS created_by_name, t.entity_name
                  FROM task_failures g
                  JOIN (SELECT id, attempt, status, error_code, error_source, dismissed_at, resolution, completed_at,
                               failed_at, attempt_at, created_by_name, entity_name, NULL::timestamptz AS archived_at
                        FROM background_tasks WHERE id = ANY(?::uuid[])
                        UNION ALL
                        SELECT id, attempt, status, error_code, error_source, dismissed_at, resolution, completed_at,
                               failed_at, attempt_at, created_by_name, entity_name, archived_at
                        FROM background_tasks_archive WHERE id = ANY(?::uuid[])) t ON t.id = g.task_id) x
            WHERE f.task_id = x.task_id AND f.attempt = x.attempt AND f.source = x.source AND f.error_code = x.error_code
              AND (f.left_at, f.left_how, f.created_by_name, f.entity_name)
                  IS DISTINCT FROM (x.left_at, x.left_how, x.created_by_name, x.entity_name)
            RETURNING f.task_type, f.source, f.error_code""";

    private final JdbcTemplate jdbc;
    private final IncidentBook incidents;

    public FailureInbox(JdbcTemplate jdbc, IncidentBook incidents) {
        this.jdbc = jdbc;
        this.incidents = incidents;
    }

    /**
     * Derives what {@code events} (already projected: the rows were {@code before} and are now {@code states}) change
     * in the inbox. Failures of archived tasks are recorded too (a rebuild replays them), settled against the archive.
     */
    public void after(List<TaskEvent> events, Collection<TaskState> before, Collection<TaskState> states) {
        Set<UUID> tasks = new LinkedHashSet<>();
        events.forEach(event -> {
            if (event instanceof TaskFailed) {
                tasks.add(event.taskId());
            }
        });
        before.forEach(state -> addIfItMayHaveFailed(state, tasks));
        states.forEach(state -> addIfItMayHaveFailed(state, tasks));
        List<TaskState> ended =
                states.stream().filter(state -> state.status().isTerminal()).toList();
        tasks.addAll(supersede(
                ended.stream().map(TaskState::taskType).toList(),
                ended.stream().map(TaskState::entityType).toList(),
                ended.stream().map(TaskState::entityId).toList()));
        Set<IncidentBook.Cause> causes = new HashSet<>(record(events));
        settleAndDerive(tasks, causes);
    }

    private void settleAndDerive(Set<UUID> tasks, Set<IncidentBook.Cause> causes) {
        if (!tasks.isEmpty()) {
            jdbc.query(
                    SETTLE,
                    row -> {
                        causes.add(new IncidentBook.Cause(row.getString(1), row.getString(2), row.getString(3)));
                    },
                    TaskRows.ids(tasks),
                    TaskRows.ids(tasks));
        }
        if (!causes.isEmpty()) {
            incidents.derive(causes);
        }
    }

    /**
     * Supersedes what the batches missed: a failure and a later completion for one record projected at the same time
     * by two consumers each commit without seeing the other's row, so neither supersedes. Run every minute by the
     * service ({@link SupersessionSweep}) and at the end of a rebuild, in a transaction of the caller's; looks only at
     * records with a failure still in an inbox (an index of failed rows). Cheaper than making every batch wait for a
     * lock per record it completes, for a race that needs a failure and a success of one record within milliseconds.
     */
    public void sweep() {
        jdbc.queryForObject("SELECT set_config('tasklane.writer', 'projection', true)", String.class);
        List<String> types = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        List<UUID> records = new ArrayList<>();
        jdbc.query(
                "SELECT DISTINCT task_type, entity_type, entity_id FROM background_tasks "
                        + "WHERE status = 'failed' AND dismissed_at IS NULL",
                row -> {
                    types.add(row.getString(1));
                    kinds.add(row.getString(2));
                    records.add(row.getObject(3, UUID.class));
                });
        Set<UUID> superseded = new LinkedHashSet<>(supersede(types, kinds, records));
        settleAndDerive(superseded, new HashSet<>());
    }

    /**
     * Settles the failures of archived tasks still counted in an inbox (they leave with the move) and derives their
     * incidents again. The archive job runs it after every run, in a transaction of its own: if it fails, the next run
     * settles them.
     */
    public void afterArchiving() {
        Set<IncidentBook.Cause> causes = new HashSet<>();
        jdbc.query("""
                UPDATE task_failures f SET left_at = a.archived_at, left_how = 'archived'
                FROM background_tasks_archive a WHERE a.id = f.task_id AND f.left_at IS NULL
                RETURNING f.task_type, f.source, f.error_code""", row -> {
            causes.add(new IncidentBook.Cause(row.getString(1), row.getString(2), row.getString(3)));
        });
        if (!causes.isEmpty()) {
            incidents.derive(causes);
        }
    }

    /**
     * A task whose failure history this batch may have changed: failed now or before it, past its first attempt (an
     * earlier one may have failed), or recovered. The others — nearly every task of a busy batch — have no history to
     * settle, and are not looked up.
     */
    private static void addIfItMayHaveFailed(TaskState state, Set<UUID> tasks) {
        if (state.status() == TaskStatus.FAILED || state.attempt() > 1 || state.resolution() != null) {
            tasks.add(state.id());
        }
    }

    /** Resolves what a later run superseded for these records; returns the failed tasks it resolved. */
    private List<UUID> supersede(List<String> taskTypes, List<String> entityTypes, List<UUID> entityIds) {
        if (taskTypes.isEmpty()) {
            return List.of();
        }
        return jdbc.queryForList(
                SUPERSEDE,
                UUID.class,
                taskTypes.toArray(String[]::new),
                entityTypes.toArray(String[]::new),
                entityIds.stream().map(UUID::toString).toArray(String[]::new));
    }

    /** Adds the batch's failures to the history (a duplicate within the batch once, its earliest report). */
    private List<IncidentBook.Cause> record(List<TaskEvent> events) {
        Map<List<Object>, TaskFailed> earliest = new LinkedHashMap<>();
        for (TaskEvent event : events) {
            if (event instanceof TaskFailed failed && !TaskProjection.recordIsGone(failed.error())) {
                earliest.merge(
                        List.of(
                                failed.taskId(),
                                failed.attempt(),
                                failed.error().source(),
                                failed.error().code()),
                        failed,
                        (known, other) -> other.occurredAt().isBefore(known.occurredAt()) ? other : known);
            }
        }
        List<TaskFailed> failures = new ArrayList<>(earliest.values());
        if (failures.isEmpty()) {
            return List.of();
        }
        return jdbc.query(
                RECORD_FAILURES,
                (row, n) -> new IncidentBook.Cause(row.getString(1), row.getString(2), row.getString(3)),
                failures.stream().map(f -> f.taskId().toString()).toArray(String[]::new),
                failures.stream().map(TaskFailed::attempt).toArray(Integer[]::new),
                failures.stream().map(f -> f.error().source()).toArray(String[]::new),
                failures.stream().map(f -> f.error().code()).toArray(String[]::new),
                failures.stream().map(TaskFailed::taskType).toArray(String[]::new),
                failures.stream().map(TaskFailed::entityType).toArray(String[]::new),
                failures.stream().map(f -> f.entityId().toString()).toArray(String[]::new),
                failures.stream().map(TaskFailed::entityName).toArray(String[]::new),
                failures.stream()
                        .map(f -> f.createdBy() == null ? null : f.createdBy().toString())
                        .toArray(String[]::new),
                failures.stream().map(f -> f.error().message()).toArray(String[]::new),
                failures.stream().map(f -> TaskProjection.at(f).toString()).toArray(String[]::new));
    }
}
