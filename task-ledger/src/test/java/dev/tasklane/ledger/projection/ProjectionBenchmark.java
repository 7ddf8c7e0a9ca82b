package dev.tasklane.ledger.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.ledger.TaskEvents;
import dev.tasklane.ledger.incident.IncidentBook;
import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How fast the projection writes {@code background_tasks}, next to the ceiling of raw JDBC batch inserts into the same
 * table on the same PostgreSQL. Not a test: run it with {@code task-ledger/benchmark.sh} and read the figures.
 *
 * <p>Both sides write batches of 500 in one transaction each, as the Kafka listener does, with the same triggers
 * firing (each statement notifies the realtime stream once; neither is announced to the outbox). The projection is measured
 * two ways: "spread", where each batch holds one event per task (every event is a row insert or update, the worst
 * case), and "interleaved", where a batch holds all three events of its tasks (one row write per task).
 */
public final class ProjectionBenchmark {

    private static final int TASKS = 20_000;
    private static final int BATCH = 500;
    private static final int ROUNDS = 3;

    private ProjectionBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.out.printf("%-52s %12s%n", "run (" + TASKS + " tasks, batches of " + BATCH + ")", "per second");
        double raw = median(() -> rawInserts(TestPostgres.newDatabase()));
        System.out.printf("%-52s %,12.0f rows%n", "raw JDBC batch INSERT (the ceiling)", raw);
        double spread = median(() -> projection(TestPostgres.newDatabase(), false));
        System.out.printf(
                "%-52s %,12.0f events (%.0f%% of the ceiling)%n",
                "projection, one event per task per batch", spread, 100 * spread / raw);
        double interleaved = median(() -> projection(TestPostgres.newDatabase(), true));
        System.out.printf(
                "%-52s %,12.0f events (%.0f%% of the ceiling)%n",
                "projection, a task's events in one batch", interleaved, 100 * interleaved / raw);
        System.exit(0);
    }

    private interface Run {
        double perSecond() throws Exception;
    }

    /** A warm-up run, then the median of {@link #ROUNDS} runs. */
    private static double median(Run run) throws Exception {
        run.perSecond();
        double[] results = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            results[i] = run.perSecond();
        }
        Arrays.sort(results);
        return results[ROUNDS / 2];
    }

    private static double rawInserts(TestDatabase database) throws Exception {
        String insert = "INSERT INTO background_tasks (id, entity_type, entity_id, entity_name, task_type, created_by, "
                + "status, attempt, payload, worker, created_at, started_at, completed_at, result) "
                + "VALUES (?, 'client', ?, 'Jane Doe', 'sync_quo', ?, 'completed', 1, ?::jsonb, 'w', ?, ?, ?, ?::jsonb)";
        try (Connection connection = java.sql.DriverManager.getConnection(
                database.url() + (database.url().contains("?") ? "&" : "?") + "reWriteBatchedInserts=true",
                database.user(),
                database.password())) {
            connection.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement statement = connection.prepareStatement(insert);
                    PreparedStatement likeTheProjection =
                            connection.prepareStatement("SELECT set_config('tasklane.writer', 'projection', true)")) {
                for (int i = 1; i <= TASKS; i++) {
                    if (i % BATCH == 1) {
                        // the same trigger work as the projection: notified, not announced to the outbox again
                        likeTheProjection.execute();
                    }
                    Timestamp now = Timestamp.from(Instant.now());
                    statement.setObject(1, UUID.randomUUID());
                    statement.setObject(2, UUID.randomUUID());
                    statement.setObject(3, UUID.randomUUID());
                    statement.setString(4, "{\"client_id\": \"" + UUID.randomUUID() + "\"}");
                    statement.setTimestamp(5, now);
                    statement.setTimestamp(6, now);
                    statement.setTimestamp(7, now);
                    statement.setString(8, "{\"contact\": \"c1\"}");
                    statement.addBatch();
                    if (i % BATCH == 0) {
                        statement.executeBatch();
                        connection.commit();
                    }
                }
            }
            return TASKS / seconds(start);
        }
    }

    private static double projection(TestDatabase database, boolean interleaved) throws Exception {
        DataSource dataSource =
                new SingleConnectionDataSource(database.url(), database.user(), database.password(), true);
        TaskProjector projector = new TaskProjector(
                new JdbcTemplate(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                new TaskRows(),
                new FailureInbox(new JdbcTemplate(dataSource), new IncidentBook(new JdbcTemplate(dataSource))),
                new SimpleMeterRegistry());
        List<List<TaskEvent>> batches = interleaved ? interleavedBatches() : spreadBatches();
        int events = batches.stream().mapToInt(List::size).sum();
        long start = System.nanoTime();
        for (List<TaskEvent> batch : batches) {
            projector.project(batch);
        }
        return events / seconds(start);
    }

    private static List<List<TaskEvent>> spreadBatches() {
        List<TaskEvents> tasks = tasks();
        Instant t0 = Instant.now();
        List<List<TaskEvent>> batches = new ArrayList<>();
        for (int stage = 0; stage < 3; stage++) {
            for (int from = 0; from < tasks.size(); from += BATCH) {
                List<TaskEvent> batch = new ArrayList<>(BATCH);
                for (TaskEvents task : tasks.subList(from, Math.min(tasks.size(), from + BATCH))) {
                    batch.add(stage == 0 ? task.requested(t0) : stage == 1 ? task.started(t0) : task.completed(t0));
                }
                batches.add(batch);
            }
        }
        return batches;
    }

    private static List<List<TaskEvent>> interleavedBatches() {
        List<TaskEvent> all = new ArrayList<>();
        Instant t0 = Instant.now();
        for (TaskEvents task : tasks()) {
            all.add(task.requested(t0));
            all.add(task.started(t0));
            all.add(task.completed(t0));
        }
        List<List<TaskEvent>> batches = new ArrayList<>();
        for (int from = 0; from < all.size(); from += BATCH) {
            batches.add(all.subList(from, Math.min(all.size(), from + BATCH)));
        }
        return batches;
    }

    private static List<TaskEvents> tasks() {
        List<TaskEvents> tasks = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            tasks.add(TaskEvents.aTask(UUID.randomUUID()));
        }
        return tasks;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
