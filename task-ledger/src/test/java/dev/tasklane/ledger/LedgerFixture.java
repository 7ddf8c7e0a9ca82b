package dev.tasklane.ledger;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import static org.awaitility.Awaitility.await;

/** Publishing events the way workers and the gateway do, and reading the rows the ledger wrote. */
public final class LedgerFixture {

    private final KafkaTemplate<String, TaskEvent> kafka;
    private final JdbcTemplate jdbc;

    public LedgerFixture(KafkaTemplate<String, TaskEvent> kafka, JdbcTemplate jdbc) {
        this.kafka = kafka;
        this.jdbc = jdbc;
    }

    /** Publishes each event to its topic (requests to their request topic, the rest to task.status), in order. */
    public void publish(TaskEvent... events) {
        for (TaskEvent event : events) {
            String topic = event instanceof TaskRequested ? TaskTopics.requested(event.taskType()) : TaskTopics.STATUS;
            try {
                kafka.send(topic, event.taskId().toString(), event).get(10, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Could not publish " + event, e);
            }
        }
    }

    public Map<String, Object> row(UUID taskId) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM background_tasks WHERE id = ?", taskId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * Waits until the task's row has {@code status} at {@code attempt}, and returns it. Reads go through the ledger's own
     * pool, which after a database outage reconnects with HikariCP's backoff (up to 5 s): a read refused meanwhile is
     * tried again.
     */
    public Map<String, Object> awaitRow(UUID taskId, String status, int attempt) {
        return await().atMost(20, TimeUnit.SECONDS)
                .ignoreExceptionsInstanceOf(org.springframework.jdbc.CannotGetJdbcConnectionException.class)
                .until(
                        () -> row(taskId),
                        row -> row != null
                                && status.equals(row.get("status"))
                                && Integer.valueOf(attempt).equals(row.get("attempt")));
    }

    /** Publishes a failed first attempt of a new task of {@code owner} and waits until the ledger has it. */
    public TaskEvents aFailedTask(UUID owner) {
        TaskEvents task = TaskEvents.aTask(owner);
        java.time.Instant now = java.time.Instant.now();
        publish(
                task.requested(now.minusMillis(30)),
                task.started(now.minusMillis(20)),
                task.failed(now.minusMillis(10)));
        awaitRow(task.id(), "failed", 1);
        return task;
    }
}
