package dev.tasklane.ledger.command;

import java.util.List;
import java.util.UUID;

import dev.tasklane.ledger.projection.TaskState;
import dev.tasklane.ledger.projection.TaskRows;
import dev.tasklane.http.ApiException;
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
        List<TaskState> found = jdbc.query("SELECT " + TaskRows.COLUMNS + " FROM background_tasks WHERE id = ? FOR UPDATE",
                rows.mapper(), taskId);
        if (found.isEmpty()) {
            throw ApiException.notFound("There is no task " + taskId + " among your tasks. It may belong to someone "
                    + "else, or have been archived after 7 days.");
        }
        return found.get(0);
    }

    List<TaskState> lockOwnUndismissedFailures(UUID userId) {
        return jdbc.query("SELECT " + TaskRows.COLUMNS + " FROM background_tasks WHERE created_by = ? "
                + "AND status = 'failed' AND dismissed_at IS NULL ORDER BY id FOR UPDATE", rows.mapper(), userId);
    }
}
