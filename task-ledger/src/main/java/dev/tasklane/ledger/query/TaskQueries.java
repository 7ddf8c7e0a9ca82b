package dev.tasklane.ledger.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.auth.Caller;
import dev.tasklane.ledger.system.CallerTransactions;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What a caller may read of {@code background_tasks}. Every query runs as the caller under row-level security; the
 * filters written here only narrow what the database already allows.
 */
@Component
public class TaskQueries {

    private static final String UNDISMISSED_FAILURES =
            "SELECT " + TaskView.COLUMNS + " FROM background_tasks WHERE status = 'failed' AND dismissed_at IS NULL";

    private final JdbcTemplate jdbc;
    private final CallerTransactions callers;

    TaskQueries(JdbcTemplate jdbc, CallerTransactions callers) {
        this.jdbc = jdbc;
        this.callers = callers;
    }

    /** The caller's own undismissed failures, newest first ({@link Paging}), optionally of one incident. */
    List<TaskView> ownFailures(Caller caller, Paging paging, UUID incidentId) {
        return failures(caller, paging, caller.userId(), null, incidentId);
    }

    /**
     * Everyone's undismissed failures the caller may see, newest first, optionally of one task type, one user or one
     * incident.
     */
    List<TaskView> failures(Caller caller, Paging paging, UUID ofUser, String taskType, UUID incidentId) {
        StringBuilder sql = new StringBuilder(UNDISMISSED_FAILURES);
        List<Object> parameters = new ArrayList<>();
        if (ofUser != null) {
            sql.append(" AND created_by = ?");
            parameters.add(ofUser);
        }
        if (taskType != null) {
            sql.append(" AND task_type = ?");
            parameters.add(taskType);
        }
        if (incidentId != null) {
            sql.append(
                    " AND EXISTS (SELECT FROM task_failures f WHERE f.incident_id = ? AND f.task_id = background_tasks.id"
                            + " AND f.attempt = background_tasks.attempt AND f.source = background_tasks.error_source"
                            + " AND f.error_code = background_tasks.error_code)");
            parameters.add(incidentId);
        }
        if (paging.before() != null) {
            sql.append(" AND failed_at < ?");
            parameters.add(paging.before());
        }
        if (paging.after() != null) {
            // (failed_at, id) < cursor, written so that the index on failed_at bounds the scan
            sql.append(" AND failed_at <= ? AND (failed_at < ? OR id < ?)");
            parameters.add(paging.after().failedAt());
            parameters.add(paging.after().failedAt());
            parameters.add(paging.after().id());
        }
        sql.append(" ORDER BY failed_at DESC, id DESC LIMIT ?");
        parameters.add(paging.limit());
        return callers.asCaller(caller, () -> jdbc.query(sql.toString(), TaskView.MAPPER, parameters.toArray()));
    }

    /** Undismissed failures by task type and by user, with the oldest and newest of each type. */
    Map<String, Object> failureSummary(Caller caller) {
        return callers.asCaller(
                caller,
                () -> Map.of(
                        "by_task_type", jdbc.queryForList("""
                        SELECT task_type, failed_count, affected_users, oldest_failed_at, newest_failed_at
                        FROM failed_tasks_summary ORDER BY failed_count DESC, task_type"""),
                        "by_user", jdbc.queryForList("""
                        SELECT created_by, count(*) AS failed_count, max(failed_at) AS newest_failed_at
                        FROM background_tasks WHERE status = 'failed' AND dismissed_at IS NULL
                        GROUP BY created_by ORDER BY failed_count DESC"""),
                        "total",
                                jdbc.queryForObject(
                                        "SELECT count(*) FROM background_tasks WHERE status = 'failed' AND dismissed_at IS NULL",
                                        Long.class)));
    }

    /** Every task of one client, driver or appointment the caller may see, newest first. */
    List<TaskView> ofEntity(Caller caller, String entityType, UUID entityId) {
        return callers.asCaller(
                caller,
                () -> jdbc.query(
                        "SELECT " + TaskView.COLUMNS
                                + " FROM background_tasks WHERE entity_type = ? AND entity_id = ? ORDER BY created_at DESC",
                        TaskView.MAPPER,
                        entityType,
                        entityId));
    }
}
