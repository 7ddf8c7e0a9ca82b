package dev.tasklane.schema;

import java.util.UUID;

/** Test data: background tasks in a given state, through the old system's functions. */
final class Tasks {

    private final Sql sql;

    Tasks(Sql sql) {
        this.sql = sql;
    }

    UUID aPendingTask(UUID owner) {
        return (UUID) sql.value(
                "SELECT create_background_task('client', gen_random_uuid(), 'Jane Doe', 'sync_quo', ?)", owner);
    }

    UUID aRunningTask(UUID owner) {
        UUID id = aPendingTask(owner);
        sql.execute("SELECT start_background_task(?)", id);
        return id;
    }

    UUID aCompletedTask(UUID owner) {
        UUID id = aRunningTask(owner);
        sql.execute("SELECT complete_background_task(?, '{\"drivers\": 3}'::jsonb)", id);
        return id;
    }

    UUID aFailedTask(UUID owner) {
        UUID id = aRunningTask(owner);
        sql.execute("SELECT fail_background_task(?, 'Quo rejected the key: set QUO_API_KEY')", id);
        return id;
    }

    String status(UUID id) {
        return (String) sql.value("SELECT status FROM background_tasks WHERE id = ?", id);
    }

    /** Moves every timestamp of the task {@code days} into the past. */
    void age(UUID id, int days) {
        sql.execute("""
                UPDATE background_tasks SET created_at = created_at - make_interval(days => ?),
                    started_at = started_at - make_interval(days => ?),
                    completed_at = completed_at - make_interval(days => ?),
                    failed_at = failed_at - make_interval(days => ?)
                WHERE id = ?""", days, days, days, days, id);
    }
}
