package dev.tasklane.gateway.outbox;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.tasklane.events.TaskEventJson;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCallback;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes a request's records and its {@code TaskRequested} rows in {@code outbox} as one statement, committed in the
 * same exchange with PostgreSQL: outside a transaction the statement runs in autocommit (a statement is atomic by
 * itself); inside one (a request that read and locked a row first) a {@code COMMIT} is sent with it. Afterwards the
 * relay is woken at once to publish the rows to Kafka.
 */
@Component
public class Outbox {

    /** The {@code go} of a request without an {@code Idempotency-Key}: always done. */
    private static final String ALWAYS = "SELECT 1";

    private final JdbcTemplate jdbc;
    private final OutboxSignal signal;

    Outbox(JdbcTemplate jdbc, OutboxSignal signal) {
        this.jdbc = jdbc;
        this.signal = signal;
    }

    /** Commits {@code write}; see {@link #commit(Write, String, Object...)}. */
    public void commit(Write write) {
        commit(write, ALWAYS);
    }

    /**
     * Commits {@code write} as one statement whose first query, {@code go}, is {@code gate}; returns false when
     * {@code go} was empty, and nothing was written. Inside a transaction this ends it: call it last.
     */
    public boolean commit(Write write, String gate, Object... gateArgs) {
        StringBuilder sql = new StringBuilder("WITH go AS (").append(gate).append(')');
        List<Object> args = new ArrayList<>(Arrays.asList(gateArgs));
        for (Write.Part part : write.parts()) {
            sql.append(", ")
                    .append(part.name())
                    .append(" AS (")
                    .append(part.sql())
                    .append(')');
            args.addAll(part.args());
        }
        if (!write.tasks().isEmpty()) {
            sql.append(", queued AS (INSERT INTO outbox (event_id, topic, message_key, event_type, payload) "
                    + "SELECT v.* FROM go, (VALUES ");
            for (TaskRequested event : write.tasks()) {
                sql.append(event == write.tasks().get(0) ? "" : ", ")
                        .append("(?::uuid, ?::text, ?::text, ?::text, ?::jsonb)");
                args.add(event.eventId());
                args.add(TaskTopics.requested(event.taskType()));
                args.add(event.taskId().toString());
                args.add(event.eventType());
                args.add(TaskEventJson.write(event));
            }
            sql.append(") AS v (event_id, topic, message_key, event_type, payload))");
        }
        sql.append(" SELECT count(*) FROM go");
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // the commit rides in the same exchange; the transaction manager's own commit then finds nothing to do
            sql.append("; COMMIT");
        }
        boolean done =
                Boolean.TRUE.equals(jdbc.execute(sql.toString(), (PreparedStatementCallback<Boolean>) statement -> {
                    new ArgumentPreparedStatementSetter(args.toArray()).setValues(statement);
                    statement.execute();
                    try (ResultSet go = statement.getResultSet()) {
                        go.next();
                        return go.getLong(1) > 0;
                    }
                }));
        if (done && !write.tasks().isEmpty()) {
            signal.wake();
        }
        return done;
    }
}
