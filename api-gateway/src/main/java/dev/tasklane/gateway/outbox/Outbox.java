package dev.tasklane.gateway.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.TaskEventJson;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Queues a task in the caller's transaction: a {@code TaskRequested} row in {@code outbox}, committed or rolled back
 * with the record it is about. The rows a transaction queues are written in one statement just before it commits,
 * and after the commit the relay is woken at once to publish them to Kafka.
 */
@Component
public class Outbox {

    private final JdbcTemplate jdbc;
    private final OutboxSignal signal;

    Outbox(JdbcTemplate jdbc, OutboxSignal signal) {
        this.jdbc = jdbc;
        this.signal = signal;
    }

    /** Queues the first attempt of {@code task}; must run inside a transaction. Returns the task id. */
    public UUID request(TaskRef task, Map<String, Object> payload) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("A task must be queued inside the transaction that saves its record");
        }
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            pending = new Pending();
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(pending);
        }
        pending.events.add(TaskRequested.of(task, payload));
        return task.taskId();
    }

    /** The events one transaction queued, written before it commits. */
    private final class Pending implements TransactionSynchronization {

        private final List<TaskRequested> events = new ArrayList<>();

        @Override
        public void beforeCommit(boolean readOnly) {
            StringBuilder sql = new StringBuilder(
                    "INSERT INTO outbox (event_id, topic, message_key, event_type, payload) VALUES ");
            List<Object> values = new ArrayList<>(events.size() * 5);
            for (TaskRequested event : events) {
                sql.append(values.isEmpty() ? "" : ", ").append("(?, ?, ?, ?, ?::jsonb)");
                values.add(event.eventId());
                values.add(TaskTopics.requested(event.taskType()));
                values.add(event.taskId().toString());
                values.add(event.eventType());
                values.add(TaskEventJson.write(event));
            }
            jdbc.update(sql.toString(), values.toArray());
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(Outbox.this);
            if (status == STATUS_COMMITTED) {
                signal.wake();
            }
        }
    }
}
