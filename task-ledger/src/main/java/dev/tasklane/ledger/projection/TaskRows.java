package dev.tasklane.ledger.projection;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import dev.tasklane.events.TaskStatus;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link TaskState} to and from {@code background_tasks}. Many states travel in one statement as one text array per
 * column ({@code unnest}), so a batch costs one round trip whatever its size.
 */
@Component
public class TaskRows {

    public static final String COLUMNS =
            "id, entity_type, entity_id, entity_name, task_type, created_by, status, attempt, "
                    + "payload, result, error_message, error_code, error_source, error_retryable, worker, created_at, started_at, "
                    + "completed_at, failed_at, dismissed_at, dismissed_by, created_by_name, attempt_at, waiting_since, waiting_for, "
                    + "resolution, resolved_by";

    /** The columns of {@code unnest(?::text[], …) AS v(…)} cast to their types, in {@link #COLUMNS} order. */
    private static final String TYPED_VALUES =
            "v.id::uuid, v.entity_type, v.entity_id::uuid, v.entity_name, v.task_type, "
                    + "v.created_by::uuid, v.status, v.attempt::integer, v.payload::jsonb, v.result::jsonb, v.error_message, "
                    + "v.error_code, v.error_source, v.error_retryable::boolean, v.worker, v.created_at::timestamptz, "
                    + "v.started_at::timestamptz, v.completed_at::timestamptz, v.failed_at::timestamptz, "
                    + "v.dismissed_at::timestamptz, v.dismissed_by::uuid, v.created_by_name, v.attempt_at::timestamptz, "
                    + "v.waiting_since::timestamptz, v.waiting_for, v.resolution, v.resolved_by::uuid";

    private static final String UNNEST = "unnest(" + "?::text[], ".repeat(26) + "?::text[]) AS v(" + COLUMNS + ")";

    static final String INSERT = "INSERT INTO background_tasks (" + COLUMNS + ") SELECT " + TYPED_VALUES + " FROM "
            + UNNEST + " ON CONFLICT (id) DO NOTHING RETURNING id";

    /**
     * Sets {@code updated_at} and moves {@code change_seq} (when status, attempt, dismissal, wait or resolution changed:
     * what a person sees) itself, as the
     * {@code background_tasks_before_update} trigger would: the trigger is then skipped for the projection's rows.
     */
    static final String UPDATE = """
            UPDATE background_tasks t SET
                entity_type = x.entity_type, entity_id = x.entity_id, entity_name = x.entity_name, task_type = x.task_type,
                created_by = x.created_by, status = x.status, attempt = x.attempt, payload = x.payload, result = x.result,
                error_message = x.error_message, error_code = x.error_code, error_source = x.error_source,
                error_retryable = x.error_retryable, worker = x.worker, created_at = x.created_at,
                started_at = x.started_at, completed_at = x.completed_at, failed_at = x.failed_at,
                dismissed_at = x.dismissed_at, dismissed_by = x.dismissed_by, created_by_name = x.created_by_name,
                attempt_at = x.attempt_at, waiting_since = x.waiting_since, waiting_for = x.waiting_for,
                resolution = x.resolution, resolved_by = x.resolved_by, updated_at = now(),
                change_seq = CASE WHEN (x.status, x.attempt, x.dismissed_at, x.waiting_since, x.resolution)
                        IS DISTINCT FROM (t.status, t.attempt, t.dismissed_at, t.waiting_since, t.resolution)
                    THEN nextval('public.background_task_change_seq') ELSE t.change_seq END
            FROM (SELECT %s FROM %s) AS x (%s)
            WHERE t.id = x.id""".formatted(TYPED_VALUES, UNNEST, COLUMNS);

    static final String LOCK =
            "SELECT " + COLUMNS + " FROM background_tasks WHERE id = ANY(?::uuid[]) ORDER BY id FOR UPDATE";

    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};

    private final JsonMapper json;

    TaskRows() {
        this.json = JsonMapper.builder().build();
    }

    /** Reads rows selected with {@link #COLUMNS}. */
    public RowMapper<TaskState> mapper() {
        return (row, number) -> read(row);
    }

    /** One text array per column of {@link #COLUMNS}, the i-th element of each being states[i]. */
    Object[] columns(List<TaskState> states) {
        List<Function<TaskState, Object>> columns = List.of(
                TaskState::id,
                TaskState::entityType,
                TaskState::entityId,
                TaskState::entityName,
                TaskState::taskType,
                TaskState::createdBy,
                s -> s.status().value(),
                TaskState::attempt,
                s -> json.writeValueAsString(s.payload()),
                s -> s.result() == null ? null : json.writeValueAsString(s.result()),
                TaskState::errorMessage,
                TaskState::errorCode,
                TaskState::errorSource,
                TaskState::errorRetryable,
                TaskState::worker,
                TaskState::createdAt,
                TaskState::startedAt,
                TaskState::completedAt,
                TaskState::failedAt,
                TaskState::dismissedAt,
                TaskState::dismissedBy,
                TaskState::createdByName,
                TaskState::attemptAt,
                TaskState::waitingSince,
                TaskState::waitingFor,
                TaskState::resolution,
                TaskState::resolvedBy);
        Object[] arrays = new Object[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            String[] values = new String[states.size()];
            for (int r = 0; r < states.size(); r++) {
                Object value = columns.get(c).apply(states.get(r));
                values[r] = value == null ? null : value.toString();
            }
            arrays[c] = values;
        }
        return arrays;
    }

    static String[] ids(Collection<UUID> ids) {
        return ids.stream().map(UUID::toString).toArray(String[]::new);
    }

    TaskState read(ResultSet row) throws SQLException {
        return new TaskState(
                row.getObject("id", UUID.class),
                row.getString("entity_type"),
                row.getObject("entity_id", UUID.class),
                row.getString("entity_name"),
                row.getString("task_type"),
                row.getObject("created_by", UUID.class),
                TaskStatus.fromValue(row.getString("status")),
                row.getInt("attempt"),
                object(row.getString("payload")),
                nullableObject(row.getString("result")),
                row.getString("error_message"),
                row.getString("error_code"),
                row.getString("error_source"),
                (Boolean) row.getObject("error_retryable"),
                row.getString("worker"),
                instant(row, "created_at"),
                instant(row, "started_at"),
                instant(row, "completed_at"),
                instant(row, "failed_at"),
                instant(row, "dismissed_at"),
                row.getObject("dismissed_by", UUID.class),
                row.getString("created_by_name"),
                instant(row, "attempt_at"),
                instant(row, "waiting_since"),
                row.getString("waiting_for"),
                row.getString("resolution"),
                row.getObject("resolved_by", UUID.class));
    }

    private Map<String, Object> object(String value) {
        return value == null ? Map.of() : json.readValue(value, JSON_OBJECT);
    }

    private Map<String, Object> nullableObject(String value) {
        return value == null ? null : json.readValue(value, JSON_OBJECT);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
