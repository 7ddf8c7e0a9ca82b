package dev.tasklane.ledger.command;

import java.util.List;
import java.util.UUID;

import dev.tasklane.http.ApiException;
import dev.tasklane.ledger.projection.TaskRows;
import dev.tasklane.ledger.projection.TaskState;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Row locks taken as the caller: a task the caller may not see does not exist for them. */
@Component
class TaskLocks {

    private final JdbcTemplate jdbc;
    private final TaskRows rows;

    TaskLocks(JdbcTemplate jdbc, TaskRows rows) {
        this.jdbc = jdbc;
        this.rows = rows;
    }

    TaskState lockVisible(UUID taskId) {
        List<TaskState> found = jdbc.query(
                "SELECT " + TaskRows.COLUMNS + " FROM background_tasks WHERE id = ? FOR UPDATE", rows.mapper(), taskId);
        if (found.isEmpty()) {
            throw ApiException.notFound("There is no task " + taskId + " among your tasks. It may belong to someone "
                    + "else, or have been archived after 7 days.");
        }
        return found.get(0);
    }

    /**
     * The failures of an incident still in an inbox, of the tasks the caller may see, locked in id order; 404 when the
     * caller may not see the incident at all.
     */
    List<TaskState> lockIncidentFailures(UUID incidentId) {
        Boolean visible = jdbc.queryForObject(
                "SELECT EXISTS (SELECT FROM task_incidents WHERE id = ?)", Boolean.class, incidentId);
        if (!Boolean.TRUE.equals(visible)) {
            throw ApiException.notFound("There is no incident " + incidentId + " among your incidents. It may concern "
                    + "only other people's tasks, or the link is out of date: open the list of incidents again.");
        }
        return jdbc.query(
                "SELECT " + TaskRows.COLUMNS + " FROM background_tasks t WHERE status = 'failed' "
                        + "AND dismissed_at IS NULL AND EXISTS (SELECT FROM task_failures f WHERE f.incident_id = ? "
                        + "AND f.task_id = t.id AND f.attempt = t.attempt AND f.source = t.error_source "
                        + "AND f.error_code = t.error_code) ORDER BY id FOR UPDATE",
                rows.mapper(),
                incidentId);
    }

    List<TaskState> lockOwnUndismissedFailures(UUID userId) {
        return jdbc.query(
                "SELECT " + TaskRows.COLUMNS + " FROM background_tasks WHERE created_by = ? "
                        + "AND status = 'failed' AND dismissed_at IS NULL ORDER BY id FOR UPDATE",
                rows.mapper(),
                userId);
    }
}
