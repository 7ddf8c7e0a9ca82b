package dev.tasklane.ledger.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;

import dev.tasklane.ledger.incident.TaskWords;
import org.springframework.jdbc.core.RowMapper;

/**
 * A task as a person sees it: what it was about in business words ({@code summary}: "Drive times for client Jane
 * Doe"), who asked ({@code created_by_name}), where it stands, whether it waits for an outage ({@code waiting_since},
 * {@code waiting_for_name}), and for a failure the readable error, the attempt, when it failed, its incident, and why it
 * left the inbox by itself ({@code resolution}: superseded, no_longer_needed; {@code dismissed_at} says when).
 * {@code change_seq} is its position in the realtime stream.
 */
public record TaskView(
        UUID id,
        String taskType,
        String entityType,
        UUID entityId,
        String entityName,
        String summary,
        String status,
        int attempt,
        String errorMessage,
        String errorCode,
        Boolean retryable,
        UUID createdBy,
        String createdByName,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime completedAt,
        OffsetDateTime failedAt,
        OffsetDateTime dismissedAt,
        UUID dismissedBy,
        OffsetDateTime waitingSince,
        String waitingFor,
        String waitingForName,
        String resolution,
        UUID resolvedBy,
        UUID incidentId,
        OffsetDateTime updatedAt,
        long changeSeq) {

    /** The incident of the task's current failure, from the failure history. */
    private static final String INCIDENT =
            "(SELECT f.incident_id FROM task_failures f WHERE f.task_id = background_tasks.id "
                    + "AND f.attempt = background_tasks.attempt AND f.source = background_tasks.error_source "
                    + "AND f.error_code = background_tasks.error_code) AS incident_id";

    /** The columns {@link #MAPPER} reads, for {@code SELECT} lists of {@code background_tasks} (not aliased). */
    public static final String COLUMNS = "id, task_type, entity_type, entity_id, entity_name, status, attempt, "
            + "error_message, error_code, error_retryable, created_by, created_by_name, created_at, started_at, "
            + "completed_at, failed_at, dismissed_at, dismissed_by, waiting_since, waiting_for, resolution, resolved_by, "
            + INCIDENT + ", updated_at, change_seq";

    public static final RowMapper<TaskView> MAPPER = (ResultSet row, int number) -> new TaskView(
            row.getObject("id", UUID.class),
            row.getString("task_type"),
            row.getString("entity_type"),
            row.getObject("entity_id", UUID.class),
            row.getString("entity_name"),
            TaskWords.summary(row.getString("task_type"), row.getString("entity_type"), row.getString("entity_name")),
            row.getString("status"),
            row.getInt("attempt"),
            row.getString("error_message"),
            row.getString("error_code"),
            (Boolean) row.getObject("error_retryable"),
            row.getObject("created_by", UUID.class),
            row.getString("created_by_name"),
            time(row, "created_at"),
            time(row, "started_at"),
            time(row, "completed_at"),
            time(row, "failed_at"),
            time(row, "dismissed_at"),
            row.getObject("dismissed_by", UUID.class),
            time(row, "waiting_since"),
            row.getString("waiting_for"),
            TaskWords.service(row.getString("waiting_for")),
            row.getString("resolution"),
            row.getObject("resolved_by", UUID.class),
            row.getObject("incident_id", UUID.class),
            time(row, "updated_at"),
            row.getLong("change_seq"));

    private static OffsetDateTime time(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class);
    }
}
