package dev.tasklane.cli.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tasklane.cli.CliException;
import dev.tasklane.cli.Tokens;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.stack.Settings;
import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventHeaders;
import dev.tasklane.events.TaskEventJson;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskTypes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The physical floor of a drive-time task's work on this machine, without Tasklane's services: the Kafka records the
 * pipeline writes and reads per task, moved by a plain producer and plain consumers, and the rows it writes per task,
 * written with batched JDBC, on the bench's own broker and PostgreSQL.
 */
final class FloorBenchmark {

    private static final int JDBC_BATCH = 500;

    /**
     * The floor's outbox: the gateway's relay would publish rows written to {@code outbox} itself (and the workers and the
     * ledger would then do the pipeline's work), so the floor writes to a copy of the table, its columns, defaults and
     * indexes (not its trigger, whose notification would wake the relay).
     */
    static final String OUTBOX = "bench_floor_outbox";

    /** A drive-time task's three events, as the gateway's relay and the worker publish them, and their JSON. */
    record FloorTask(
            UUID clientId,
            TaskRequested requested,
            TaskStarted started,
            TaskCompleted completed,
            byte[] requestedJson,
            byte[] startedJson,
            byte[] completedJson) {}

    /** A floor made ready (topics, consumers, connections) whose timed part has not run yet. */
    interface Prepared extends AutoCloseable {

        /** Does the work of every task and returns the seconds it took. */
        double run() throws Exception;
    }

    private final BenchRun run;
    private final ScratchStack scratch;
    private final Settings settings;
    private final Connection db;
    private final int floorTasks;
    private int round;

    FloorBenchmark(BenchRun run, int floorTasks) {
        this.run = run;
        this.scratch = run.scratch;
        this.settings = run.scratch.settings;
        this.db = run.db;
        this.floorTasks = floorTasks;
    }

    /** Runs the floor's rounds and prints their figures; returns the combined floor, in tasks a second. */
    double run() throws Exception {
        List<UUID> drivers = driverIds(scratch.activeDrivers(3).size());
        List<UUID> clients = scratch.insertClients(floorTasks);
        UUID user = Tokens.DEMO_USERS.get("user");
        awaitIdle();
        run.say("");
        run.say(
                "### Floor: the pipeline's Kafka records and database rows per drive-time task, without Tasklane's services "
                        + "(rest of the stack idle)");
        run.say("| floor | tasks | seconds | tasks/s | CPU per task |");
        run.say("|---|---|---|---|---|");
        List<UUID> warmUp = clients.subList(0, Math.min(2000, clients.size()));
        // a round of each first: the JIT compilers of the bench, the broker and the JDBC driver warm up
        runFloor(null, kafka(tasks(warmUp, user)));
        runFloor(null, jdbc(tasks(warmUp, user), drivers));

        BenchRun.Measured kafkaRun = run.startMeasuring();
        double kafka = runFloor(
                "Kafka: 1 request + 2 status records per task, produced once, read by a worker "
                        + "consumer (requests) and a ledger consumer (both)",
                kafka(tasks(clients, user)));
        List<String> kafkaWork = run.traffic("the Kafka floor", kafkaRun, clients.size(), "task");
        run.startMeasuring();
        double jdbc = runFloor(
                "PostgreSQL: per task 1 client update, 1 outbox insert + delete, 1 task insert + 2 "
                        + "updates, 3 drive-time upserts; batches of 500, one connection per CPU",
                jdbc(tasks(clients, user), drivers));
        List<String> jdbcWork = run.statements("the PostgreSQL floor", clients.size(), "task");

        // the pipeline does both on the same CPUs at the same time: the floor that compares with it is both at once
        List<FloorTask> both = tasks(clients, user);
        double combined;
        try (Prepared kafkaPart = kafka(both);
                Prepared jdbcPart = jdbc(both, drivers)) {
            Map<String, Long> cpuBefore = run.parts.cpu();
            CompletableFuture<Double> onKafka = CompletableFuture.supplyAsync(() -> timed(kafkaPart));
            CompletableFuture<Double> onPostgres = CompletableFuture.supplyAsync(() -> timed(jdbcPart));
            combined = Math.max(onKafka.get(10, TimeUnit.MINUTES), onPostgres.get(10, TimeUnit.MINUTES));
            // before the connections close: a backend's CPU time is counted only while it runs
            floorRow(
                    "both at once (the combined floor)",
                    clients.size(),
                    combined,
                    PartUsage.spent(cpuBefore, run.parts.cpu()));
        }
        dropTopics();
        double floorRate = clients.size() / combined;
        run.say(String.format(
                Locale.ROOT,
                "Combined floor: %.0f tasks/s, Kafka and PostgreSQL work run at once on the "
                        + "same CPUs, as in the pipeline (alone: Kafka %.0f, PostgreSQL %.0f tasks/s; the slower of the two "
                        + "alone would overstate it, each having had every CPU to itself).",
                floorRate,
                clients.size() / kafka,
                clients.size() / jdbc));
        kafkaWork.forEach(run::say);
        jdbcWork.forEach(run::say);
        return floorRate;
    }

    /** Runs a prepared floor and prints its row, unless {@code name} is null (a warm-up); returns its seconds. */
    private double runFloor(String name, Prepared prepared) throws Exception {
        try (prepared) {
            Map<String, Long> before = run.parts.cpu();
            double seconds = prepared.run();
            Map<String, Long> after = run.parts.cpu();
            if (name != null) {
                floorRow(name, floorTasks, seconds, PartUsage.spent(before, after));
            }
            return seconds;
        }
    }

    private void floorRow(String name, int count, double seconds, Map<String, Long> spent) {
        spent.values().removeIf(used -> used / 1e6 / count < 0.05);
        run.say(String.format(
                Locale.ROOT,
                "| %s | %d | %.2f | %.0f | %s; total %.2f ms |",
                name,
                count,
                seconds,
                count / seconds,
                PartUsage.perTaskList(spent, count).replace(" ms", ""),
                spent.values().stream().mapToLong(Long::longValue).sum() / 1e6 / count));
    }

    private static double timed(Prepared prepared) {
        try {
            return prepared.run();
        } catch (Exception e) {
            throw new IllegalStateException("a floor run failed: " + e.getMessage(), e);
        }
    }

    private List<UUID> driverIds(int count) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id FROM drivers WHERE active ORDER BY id")) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
        }
        if (ids.size() != count) {
            throw new CliException("expected " + count + " active drivers, found " + ids.size());
        }
        return ids;
    }

    /** The floor runs with the rest of the stack idle: every consumer group has read everything first. */
    private void awaitIdle() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        while (Instant.now().isBefore(deadline)) {
            long lag = run.lag().values().stream()
                    .flatMap(topics -> topics.values().stream())
                    .mapToLong(Long::longValue)
                    .sum();
            if (lag == 0) {
                return;
            }
            System.err.println("bench             | waiting for " + lag + " earlier records to be consumed");
            Thread.sleep(2000);
        }
        throw new CliException("earlier tasks were still queued after 15 minutes");
    }

    /** One task per client with fresh ids, its events built with the records the services use. */
    static List<FloorTask> tasks(List<UUID> clients, UUID user) {
        String worker =
                "drive-time-worker-bench-" + UUID.randomUUID().toString().substring(0, 8);
        List<FloorTask> tasks = new ArrayList<>(clients.size());
        for (UUID client : clients) {
            TaskRef task = TaskRef.newTask(
                    TaskTypes.CALCULATE_DRIVE_TIMES,
                    EntityTypes.CLIENT,
                    client,
                    "Bench Client " + client.toString().substring(0, 8),
                    user);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("drivers", 3);
            result.put("clients", 1);
            result.put("elements_ok", 3);
            result.put("elements_failed", 0);
            result.put("api_requests", 1);
            TaskRequested requested = TaskRequested.of(task, Map.of("client_id", client.toString()));
            TaskStarted started = TaskStarted.of(task, worker);
            TaskCompleted completed = TaskCompleted.of(task, worker, result);
            tasks.add(new FloorTask(
                    client, requested, started, completed, json(requested), json(started), json(completed)));
        }
        return tasks;
    }

    private static byte[] json(TaskEvent event) {
        return TaskEventJson.write(event).getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- Kafka

    /**
     * One TaskRequested on a request topic and TaskStarted and TaskCompleted on a status topic per task (fresh topics of
     * as many partitions as the real ones), produced by one idempotent producer ({@code acks=all}, 5 ms linger, 64 KB
     * batches) and read by a consumer as the workers read them (the request topic) and one as the ledger reads them
     * (both topics), each committing its offsets after every poll. Timed from the first send until both consumers
     * read every record.
     */
    Prepared kafka(List<FloorTask> tasks) throws Exception {
        int n = ++round;
        String requestedTopic = "bench.floor" + n + ".requested";
        String statusTopic = "bench.floor" + n + ".status";
        try (Admin admin = admin()) {
            admin.createTopics(List.of(
                            new NewTopic(requestedTopic, TaskTopics.DEFAULT_PARTITIONS, (short) 1),
                            new NewTopic(statusTopic, TaskTopics.DEFAULT_PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch assigned = new CountDownLatch(2);
        Future<?> worker = threads.submit(
                () -> read("bench-floor-worker-" + n, List.of(requestedTopic), tasks.size(), assigned, stop));
        Future<?> ledger = threads.submit(() -> read(
                "bench-floor-ledger-" + n, List.of(requestedTopic, statusTopic), 3L * tasks.size(), assigned, stop));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        settings.kafkaBootstrap(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        65536),
                new StringSerializer(),
                new ByteArraySerializer());
        producer.partitionsFor(requestedTopic);
        producer.partitionsFor(statusTopic);
        if (!assigned.await(60, TimeUnit.SECONDS)) {
            throw new CliException("the floor's consumers got no partitions within 60 s");
        }
        return new Prepared() {
            @Override
            public double run() throws Exception {
                long started = System.nanoTime();
                for (FloorTask task : tasks) {
                    String key = task.requested().taskId().toString();
                    producer.send(record(requestedTopic, key, TaskRequested.TYPE, task.requestedJson()));
                    producer.send(record(statusTopic, key, TaskStarted.TYPE, task.startedJson()));
                    producer.send(record(statusTopic, key, TaskCompleted.TYPE, task.completedJson()));
                }
                producer.flush();
                worker.get(10, TimeUnit.MINUTES);
                ledger.get(10, TimeUnit.MINUTES);
                return (System.nanoTime() - started) / 1e9;
            }

            @Override
            public void close() throws Exception {
                stop.set(true);
                producer.close(Duration.ofSeconds(10));
                threads.shutdown();
                threads.awaitTermination(30, TimeUnit.SECONDS);
            }
        };
    }

    /**
     * Deletes the consumer groups and topics of every Kafka floor run (they stay until then, so a run's traffic can be
     * read): a group's offsets for a topic that is gone would break every later look at the consumer lag.
     */
    void dropTopics() throws Exception {
        try (Admin admin = admin()) {
            List<String> groups = admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
                    .map(group -> group.groupId())
                    .filter(group -> group.startsWith("bench-floor-"))
                    .toList();
            admin.deleteConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
            List<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
                    .filter(topic -> topic.startsWith("bench.floor"))
                    .toList();
            admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
            // deleted topics are listed a little longer, and whoever lists them then cannot read their offsets
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.listTopics().names().get(10, TimeUnit.SECONDS).stream().anyMatch(topics::contains)
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap()));
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, String eventType, byte[] json) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(TaskEventHeaders.EVENT_TYPE, eventType.getBytes(StandardCharsets.UTF_8));
        headers.add(TaskEventHeaders.TASK_TYPE, TaskTypes.CALCULATE_DRIVE_TIMES.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, key, json, headers);
    }

    private Void read(String group, List<String> topics, long expected, CountDownLatch assigned, AtomicBoolean stop) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        settings.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        group,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            while (consumer.assignment().isEmpty() && !stop.get()) {
                consumer.poll(Duration.ofMillis(100));
            }
            assigned.countDown();
            long read = 0;
            while (read < expected && !stop.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    read += records.count();
                    consumer.commitAsync();
                }
            }
            consumer.commitSync();
            return null;
        }
    }

    // ---------------------------------------------------------------- PostgreSQL

    /**
     * Per task, the rows the pipeline writes: the client's address updated and an outbox row inserted (the gateway; in
     * {@value #OUTBOX}),
     * the outbox row deleted (the relay), the task's row inserted, set running and completed (the ledger), the drive
     * times of three drivers upserted (the worker), each step a batch of {@value #JDBC_BATCH} tasks in a transaction
     * of its own, in the pipeline's order; one connection per CPU, each with its share of the tasks.
     */
    Prepared jdbc(List<FloorTask> tasks, List<UUID> drivers) throws SQLException {
        try (Connection db = DriverManager.getConnection(
                        settings.databaseUrl(), settings.databaseUser(), settings.databasePassword());
                Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + OUTBOX + " (LIKE outbox INCLUDING ALL)");
        }
        int connections = Math.max(1, Runtime.getRuntime().availableProcessors());
        String url = settings.databaseUrl() + (settings.databaseUrl().contains("?") ? "&" : "?")
                + "reWriteBatchedInserts=true";
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Connection connection =
                        DriverManager.getConnection(url, settings.databaseUser(), settings.databasePassword());
                open.add(connection);
                connection.setAutoCommit(false);
            }
        } catch (SQLException e) {
            for (Connection connection : open) {
                connection.close();
            }
            throw e;
        }
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        return new Prepared() {
            @Override
            public double run() throws Exception {
                long started = System.nanoTime();
                List<CompletableFuture<Void>> work = new ArrayList<>();
                for (int c = 0; c < connections; c++) {
                    Connection connection = open.get(c);
                    List<FloorTask> share =
                            tasks.subList(c * tasks.size() / connections, (c + 1) * tasks.size() / connections);
                    work.add(CompletableFuture.runAsync(
                            () -> {
                                try {
                                    for (int from = 0; from < share.size(); from += JDBC_BATCH) {
                                        write(
                                                connection,
                                                share.subList(from, Math.min(share.size(), from + JDBC_BATCH)),
                                                drivers);
                                    }
                                } catch (SQLException e) {
                                    // a batch's own message repeats every statement of it: the server's error is the
                                    // next one
                                    SQLException cause = e.getNextException() != null ? e.getNextException() : e;
                                    throw new CliException("the PostgreSQL floor failed: " + cause.getMessage(), cause);
                                }
                            },
                            threads));
                }
                CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
                return (System.nanoTime() - started) / 1e9;
            }

            @Override
            public void close() throws SQLException {
                threads.shutdown();
                for (Connection connection : open) {
                    connection.close();
                }
            }
        };
    }

    private static void write(Connection db, List<FloorTask> batch, List<UUID> drivers) throws SQLException {
        try (PreparedStatement client = db.prepareStatement("UPDATE clients SET address = ? WHERE id = ?");
                PreparedStatement outbox = db.prepareStatement("INSERT INTO " + OUTBOX
                        + " (event_id, topic, message_key, " + "event_type, payload) VALUES (?, ?, ?, ?, ?::jsonb)")) {
            for (FloorTask task : batch) {
                client.setString(1, ScratchStack.address());
                client.setObject(2, task.clientId());
                client.addBatch();
                outbox.setObject(1, task.requested().eventId());
                outbox.setString(2, TaskTopics.requested(task.requested().taskType()));
                outbox.setString(3, task.requested().taskId().toString());
                outbox.setString(4, TaskRequested.TYPE);
                outbox.setString(5, new String(task.requestedJson(), StandardCharsets.UTF_8));
                outbox.addBatch();
            }
            client.executeBatch();
            outbox.executeBatch();
            db.commit();
        }
        try (PreparedStatement published = db.prepareStatement("DELETE FROM " + OUTBOX + " WHERE event_id = ANY(?)")) {
            Array ids = db.createArrayOf(
                    "uuid",
                    batch.stream().map(task -> task.requested().eventId()).toArray());
            published.setArray(1, ids);
            published.executeUpdate();
            db.commit();
        }
        asProjection(db);
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO background_tasks (id, entity_type, entity_id, "
                + "entity_name, task_type, created_by, status, attempt, payload, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?::jsonb, ?)")) {
            for (FloorTask task : batch) {
                TaskRequested requested = task.requested();
                insert.setObject(1, requested.taskId());
                insert.setString(2, requested.entityType());
                insert.setObject(3, requested.entityId());
                insert.setString(4, requested.entityName());
                insert.setString(5, requested.taskType());
                insert.setObject(6, requested.createdBy());
                insert.setInt(7, requested.attempt());
                insert.setString(8, "{\"client_id\": \"" + task.clientId() + "\"}");
                insert.setObject(9, OffsetDateTime.ofInstant(requested.occurredAt(), ZoneOffset.UTC));
                insert.addBatch();
            }
            insert.executeBatch();
            db.commit();
        }
        asProjection(db);
        try (PreparedStatement running = db.prepareStatement(
                "UPDATE background_tasks SET status = 'running', worker = ?, " + "started_at = ? WHERE id = ?")) {
            for (FloorTask task : batch) {
                running.setString(1, task.started().worker());
                running.setObject(2, OffsetDateTime.ofInstant(task.started().occurredAt(), ZoneOffset.UTC));
                running.setObject(3, task.started().taskId());
                running.addBatch();
            }
            running.executeBatch();
            db.commit();
        }
        try (PreparedStatement upsert = db.prepareStatement("INSERT INTO client_drive_times (client_id, driver_id, "
                + "distance_meters, duration_seconds, status, status_reason, computed_at) VALUES (?, ?, ?, ?, 'OK', NULL, "
                + "now()) ON CONFLICT (client_id, driver_id) DO UPDATE SET distance_meters = excluded.distance_meters, "
                + "duration_seconds = excluded.duration_seconds, status = excluded.status, "
                + "status_reason = excluded.status_reason, computed_at = excluded.computed_at")) {
            for (FloorTask task : batch) {
                for (UUID driver : drivers) {
                    upsert.setObject(1, task.clientId());
                    upsert.setObject(2, driver);
                    upsert.setInt(3, 12_000);
                    upsert.setInt(4, 900);
                    upsert.addBatch();
                }
            }
            upsert.executeBatch();
            db.commit();
        }
        asProjection(db);
        try (PreparedStatement completed = db.prepareStatement("UPDATE background_tasks SET status = 'completed', "
                + "result = ?::jsonb, completed_at = ? WHERE id = ?")) {
            for (FloorTask task : batch) {
                completed.setString(
                        1,
                        TaskEventJson.mapper()
                                .writeValueAsString(task.completed().result()));
                completed.setObject(2, OffsetDateTime.ofInstant(task.completed().occurredAt(), ZoneOffset.UTC));
                completed.setObject(3, task.completed().taskId());
                completed.addBatch();
            }
            completed.executeBatch();
            db.commit();
        }
    }

    /** Marks the transaction as the ledger's projection, so the SQL-API trigger does not announce it again. */
    private static void asProjection(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("SELECT set_config('tasklane.writer', 'projection', true)");
        }
    }
}
