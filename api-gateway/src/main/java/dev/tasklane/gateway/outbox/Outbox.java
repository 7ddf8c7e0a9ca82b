package dev.tasklane.gateway.outbox;

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
 * with the record it is about. After the commit the relay is woken at once and publishes it to Kafka.
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
        TaskRequested event = TaskRequested.of(task, payload);
        jdbc.update("INSERT INTO outbox (event_id, topic, message_key, event_type, payload) VALUES (?, ?, ?, ?, ?::jsonb)",
                event.eventId(), TaskTopics.requested(task.taskType()), task.taskId().toString(), event.eventType(),
                TaskEventJson.write(event));
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                signal.wake();
            }
        });
        return task.taskId();
    }
}
