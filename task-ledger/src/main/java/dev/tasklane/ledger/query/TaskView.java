package dev.tasklane.ledger.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;

import org.springframework.jdbc.core.RowMapper;

/**
 * A task as a person sees it: what it was about, where it stands, and for a failure the readable error, the attempt
 * and when it failed. {@code change_seq} is its position in the realtime stream.
 */
public record TaskView(
        UUID id, String taskType, String entityType, UUID entityId, String entityName, String status, int attempt,
        String errorMessage, String errorCode, Boolean retryable, UUID createdBy, OffsetDateTime createdAt,
        OffsetDateTime startedAt, OffsetDateTime completedAt, OffsetDateTime failedAt, OffsetDateTime dismissedAt,
        UUID dismissedBy, OffsetDateTime updatedAt, long changeSeq) {

    /** The columns {@link #MAPPER} reads, for {@code SELECT} lists. */
    public static final String COLUMNS = "id, task_type, entity_type, entity_id, entity_name, status, attempt, "
            + "error_message, error_code, error_retryable, created_by, created_at, started_at, completed_at, failed_at, "
            + "dismissed_at, dismissed_by, updated_at, change_seq";

    public static final RowMapper<TaskView> MAPPER = (ResultSet row, int number) -> new TaskView(
            row.getObject("id", UUID.class), row.getString("task_type"), row.getString("entity_type"),
            row.getObject("entity_id", UUID.class), row.getString("entity_name"), row.getString("status"),
            row.getInt("attempt"), row.getString("error_message"), row.getString("error_code"),
            (Boolean) row.getObject("error_retryable"), row.getObject("created_by", UUID.class),
            time(row, "created_at"), time(row, "started_at"), time(row, "completed_at"), time(row, "failed_at"),
            time(row, "dismissed_at"), row.getObject("dismissed_by", UUID.class), time(row, "updated_at"),
            row.getLong("change_seq"));

    private static OffsetDateTime time(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class);
    }
}
