package dev.tasklane.gateway.outbox;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventJson;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.gateway.system.GatewayProperties;
import dev.tasklane.schema.PgNotificationListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes committed outbox rows to Kafka and deletes each only after Kafka acknowledged it ({@code acks=all},
 * idempotent producer). It wakes at the commit of this instance's own transactions and at PostgreSQL's
 * {@code outbox} notification for anyone else's (another gateway, the old SQL API), and at least every poll interval.
 * Several relays may run at once: each locks the rows it publishes ({@code FOR UPDATE SKIP LOCKED}) and the others
 * skip them, so a row is published twice only if a relay dies between Kafka's acknowledgement and its commit.
 * While Kafka is unreachable the rows wait, and the relay retries with backoff.
 */
@Component
class OutboxRelay implements SmartLifecycle {

    private static final Log LOG = LogFactory.getLog(OutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final KafkaTemplate<String, TaskEvent> kafka;
    private final KafkaTemplate<String, String> raw;
    private final OutboxSignal signal;
    private final GatewayProperties.Outbox settings;
    private final PgNotificationListener notifications;
    private final MeterRegistry meters;
    /** Events published, by topic: the requests of each task type, and the status events. */
    private final Map<String, Counter> published = new ConcurrentHashMap<>();

    private final Counter failedAttempts;
    private final Counter deadLettered;
    private volatile boolean running;
    private Thread thread;

    OutboxRelay(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            KafkaTemplate<String, TaskEvent> kafka,
            KafkaTemplate<String, String> raw,
            OutboxSignal signal,
            GatewayProperties properties,
            DataSourceProperties database,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.kafka = kafka;
        this.raw = raw;
        this.signal = signal;
        this.settings = properties.outbox();
        this.notifications = new PgNotificationListener(
                "outbox",
                () -> DriverManager.getConnection(
                        database.determineUrl(), database.determineUsername(), database.determinePassword()),
                payloads -> signal.wake(),
                signal::wake);
        this.meters = meters;
        this.failedAttempts = Counter.builder("tasklane.outbox.publish.failures")
                .description("Batches Kafka did not acknowledge (the rows stay queued)")
                .register(meters);
        this.deadLettered = Counter.builder("tasklane.outbox.dead.lettered")
                .description("Outbox rows that are not valid task events, sent to task.outbox-dlt")
                .register(meters);
    }

    @Override
    public boolean isAutoStartup() {
        return settings.relay();
    }

    @Override
    public void start() {
        running = true;
        notifications.start();
        thread = new Thread(this::relay, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        notifications.stop();
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void relay() {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try {
                if (signal.await(settings.pollInterval()) && !settings.linger().isZero()) {
                    Thread.sleep(settings.linger().toMillis());
                }
                while (running && drainBatch() == settings.batchSize()) {
                    // a full batch: there may be more
                }
                backoff = Duration.ofSeconds(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("The outbox could not be published (" + e.getMessage() + "); the events stay queued and the "
                        + "relay tries again in " + backoff.toSeconds() + " s");
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
                        ? settings.maxBackoff()
                        : backoff.multipliedBy(2);
            }
        }
    }

    private record Row(long id, String topic, String key, String payload) {}

    /** The outcome of one batch: rows published, and the failure if Kafka did not acknowledge them all. */
    private record Batch(int handled, Exception failure) {}

    private Counter published(String topic) {
        return published.computeIfAbsent(
                topic,
                name -> Counter.builder("tasklane.outbox.published")
                        .description(
                                "Outbox events published to Kafka, by topic (task.requested.<type>: the tasks requested)")
                        .tag("topic", name)
                        .register(meters));
    }

    /**
     * Publishes up to one batch in one transaction and returns how many rows it handled. Rows Kafka acknowledged are
     * deleted; the others stay, with their attempt counted, and the failure is thrown after the commit.
     */
    int drainBatch() {
        Batch batch = transactions.execute(status -> {
            List<Row> rows = jdbc.query(
                    "SELECT id, topic, message_key, payload::text FROM outbox ORDER BY id LIMIT ? "
                            + "FOR UPDATE SKIP LOCKED",
                    (row, n) -> new Row(row.getLong(1), row.getString(2), row.getString(3), row.getString(4)),
                    settings.batchSize());
            if (rows.isEmpty()) {
                return new Batch(0, null);
            }
            List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
            for (Row row : rows) {
                sends.add(send(row));
            }
            Exception failure = null;
            try {
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                        .get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            } catch (Exception e) {
                failure = e;
            }
            List<Long> acknowledged = new ArrayList<>();
            List<Long> waiting = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                boolean acked = sends.get(i).isDone() && !sends.get(i).isCompletedExceptionally();
                (acked ? acknowledged : waiting).add(rows.get(i).id());
                if (acked) {
                    published(rows.get(i).topic()).increment();
                }
            }
            String error = waiting.isEmpty() ? null : failure == null ? "not acknowledged" : rootMessage(failure);
            finish(acknowledged, waiting, error);
            if (!waiting.isEmpty()) {
                failedAttempts.increment();
            }
            return new Batch(
                    waiting.isEmpty() ? rows.size() : 0,
                    waiting.isEmpty()
                            ? null
                            : failure != null
                                    ? failure
                                    : new IllegalStateException("Kafka did not acknowledge every event"));
        });
        if (batch != null && batch.failure() != null) {
            throw new OutboxPublishException(rootMessage(batch.failure()), batch.failure());
        }
        return batch == null ? 0 : batch.handled();
    }

    /**
     * Deletes the acknowledged rows, counts an attempt on the others, and commits, all in one exchange with PostgreSQL.
     * The commit need not wait for the disk: a deletion lost in a crash only means the row is published again.
     */
    private void finish(List<Long> acknowledged, List<Long> waiting, String error) {
        StringBuilder sql = new StringBuilder("SET LOCAL synchronous_commit TO OFF");
        List<Object> args = new ArrayList<>(3);
        if (!acknowledged.isEmpty()) {
            sql.append("; DELETE FROM outbox WHERE id = ANY(?)");
            args.add(acknowledged.toArray(Long[]::new));
        }
        if (!waiting.isEmpty()) {
            sql.append("; UPDATE outbox SET publish_attempts = publish_attempts + 1, last_attempt_at = now(), "
                    + "last_error = ? WHERE id = ANY(?)");
            args.add(error);
            args.add(waiting.toArray(Long[]::new));
        }
        // the transaction manager's own commit then finds nothing to do
        jdbc.update(sql.append("; COMMIT").toString(), args.toArray());
    }

    private CompletableFuture<?> send(Row row) {
        TaskEvent event;
        try {
            event = TaskEventJson.read(row.payload());
            if (!row.topic().equals(TaskTopics.STATUS) && !row.topic().equals(TaskTopics.requested(event.taskType()))) {
                throw new IllegalArgumentException(
                        "the topic " + row.topic() + " does not match task type " + event.taskType());
            }
        } catch (RuntimeException invalid) {
            deadLettered.increment();
            LOG.warn("Outbox row " + row.id() + " is not a valid task event (" + invalid.getMessage()
                    + "); it goes to task.outbox-dlt instead of " + row.topic());
            return raw.send(TaskTopics.deadLetter("task.outbox"), row.key(), row.payload());
        }
        return kafka.send(row.topic(), row.key(), event);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Kafka did not acknowledge a batch in time; its rows stay queued. */
    static class OutboxPublishException extends RuntimeException {
        OutboxPublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
