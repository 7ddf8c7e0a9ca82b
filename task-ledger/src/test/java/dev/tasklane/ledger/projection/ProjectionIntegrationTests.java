package dev.tasklane.ledger.projection;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.ledger.LedgerFixture;
import dev.tasklane.ledger.LedgerIntegrationTest;
import dev.tasklane.ledger.TaskEvents;
import dev.tasklane.testsupport.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import static dev.tasklane.ledger.TaskEvents.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@LedgerIntegrationTest
class ProjectionIntegrationTests {

    private static final UUID OWNER = UUID.randomUUID();

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${tasklane.test.database-name}")
    String databaseName;

    @Autowired
    MeterRegistry meters;

    private LedgerFixture ledger() {
        return new LedgerFixture(kafka, jdbc);
    }

    @Test
    void aTasksEventsBecomeItsRow() {
        TaskEvents task = aTask(OWNER);
        Instant t0 = Instant.now().minusSeconds(10);

        ledger().publish(task.requested(t0), task.started(t0.plusSeconds(1)), task.completed(t0.plusSeconds(2)));

        Map<String, Object> row = ledger().awaitRow(task.id(), "completed", 1);
        assertThat(row)
                .containsEntry("entity_name", "Jane Doe")
                .containsEntry("created_by", OWNER)
                .containsEntry("task_type", "sync_quo")
                .containsEntry("worker", "worker-1");
        assertThat(row.get("completed_at")).isNotNull();
        assertThat(jdbc.queryForObject(
                        "SELECT result ->> 'contact' FROM background_tasks WHERE id = ?", String.class, task.id()))
                .isEqualTo("c1");
    }

    @Test
    void outOfOrderAndDuplicateEventsNeverMoveATaskBackwards() {
        TaskEvents task = aTask(OWNER);
        Instant t0 = Instant.parse("2026-11-30T09:00:00Z");
        TaskStarted started = task.started(t0.plusSeconds(1));

        ledger().publish(task.completed(t0.plusSeconds(2)), started, started, task.started(t0.plusSeconds(3)));
        Map<String, Object> completed = ledger().awaitRow(task.id(), "completed", 1);
        ledger().publish(task.requested(t0), task.requested(t0));

        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> ledger().row(task.id()).get("created_at").equals(java.sql.Timestamp.from(t0)));
        Map<String, Object> row = ledger().row(task.id());
        assertThat(row).containsEntry("status", "completed").containsEntry("attempt", 1);
        assertThat(row.get("started_at")).isEqualTo(java.sql.Timestamp.from(t0.plusSeconds(1)));
        assertThat(row.get("completed_at")).isEqualTo(completed.get("completed_at"));
        assertThat(jdbc.queryForObject(
                        "SELECT payload ->> 'client_id' FROM background_tasks WHERE id = ?", String.class, task.id()))
                .isEqualTo(task.ref().entityId().toString());
    }

    @Test
    void aRetryAttemptOvertakesALateEventOfTheFirstAttempt() {
        TaskEvents task = aTask(OWNER);
        Instant t0 = Instant.now().minusSeconds(60);

        ledger().publish(
                        task.requested(t0),
                        task.failed(t0.plusSeconds(1)),
                        task.attempt(2).requested(t0.plusSeconds(5)));
        ledger().awaitRow(task.id(), "pending", 2);
        ledger().publish(task.started(t0.plusSeconds(2)), task.failed(t0.plusSeconds(3)));
        ledger().publish(task.attempt(2).started(t0.plusSeconds(6)));

        Map<String, Object> row = ledger().awaitRow(task.id(), "running", 2);
        assertThat(row.get("failed_at")).isNull();
        assertThat(row.get("error_message")).isNull();
    }

    @Test
    void aRecordThatCannotBeReadGoesToTheDeadLetterTopicAndLaterRecordsStillProject() {
        TaskEvents task = aTask(OWNER);
        String key = task.id().toString();
        double deadLetteredBefore =
                meters.counter("tasklane.kafka.dead.lettered").count();

        sendRaw(TaskTopics.STATUS, key, "{\"event_type\": \"TaskStarted\", \"task_id\": ");
        ledger().publish(task.requested(Instant.now()), task.started(Instant.now()));

        ledger().awaitRow(task.id(), "running", 1);
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(TaskTopics.deadLetter(TaskTopics.STATUS), key);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).startsWith("{\"event_type\": \"TaskStarted\"");
        assertThat(header(dead, "tasklane_dlt-reason"))
                .contains("failed to deserialize")
                .contains("end-of-input");
        assertThat(header(dead, "kafka_dlt-original-topic")).isEqualTo(TaskTopics.STATUS);
        assertThat(meters.counter("tasklane.kafka.dead.lettered").count())
                .as("counted for the TasklaneDeadLetters alert")
                .isGreaterThan(deadLetteredBefore);
    }

    @Test
    void anEventOnTheWrongTopicIsDeadLetteredWithTheReason() {
        TaskEvents task = aTask(OWNER);
        String requestTopic = TaskTopics.requested(task.ref().taskType());

        kafka.send(requestTopic, task.id().toString(), task.started(Instant.now()));
        ledger().publish(task.requested(Instant.now()));

        ledger().awaitRow(task.id(), "pending", 1);
        ConsumerRecord<String, byte[]> dead =
                awaitDeadLetter(TaskTopics.deadLetter(requestTopic), task.id().toString());
        assertThat(header(dead, "tasklane_dlt-reason"))
                .contains("A TaskStarted was published to the request topic")
                .contains("only TaskRequested belongs there");
    }

    @Test
    void anEventThePostgresqlRejectsIsDeadLetteredAndTheNextOneProjects() {
        TaskEvents poisoned = aTask(OWNER, "sync_quo", "Jane \u0000 Doe");
        TaskEvents next = aTask(OWNER);

        ledger().publish(poisoned.started(Instant.now()), next.started(Instant.now()));

        ledger().awaitRow(next.id(), "running", 1);
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(
                TaskTopics.deadLetter(TaskTopics.STATUS), poisoned.id().toString());
        assertThat(header(dead, "tasklane_dlt-reason")).contains("PostgreSQL refused task " + poisoned.id());
        assertThat(ledger().row(poisoned.id())).isNull();
    }

    @Test
    void aTaskIdReusedForAnotherTaskTypeIsDeadLettered() {
        TaskEvents task = aTask(OWNER);
        ledger().publish(task.started(Instant.now()));
        ledger().awaitRow(task.id(), "running", 1);
        TaskEvents impostor = aTask(OWNER, "calculate_drive_times", "Jane Doe");
        TaskStarted sameIdOtherType = new TaskStarted(
                UUID.randomUUID(),
                Instant.now(),
                task.id(),
                "calculate_drive_times",
                "client",
                impostor.ref().entityId(),
                "Jane Doe",
                OWNER,
                1,
                "w");

        ledger().publish(sameIdOtherType);

        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(
                TaskTopics.deadLetter(TaskTopics.STATUS), task.id().toString());
        assertThat(header(dead, "tasklane_dlt-reason")).contains("is a sync_quo task");
        assertThat(ledger().row(task.id())).containsEntry("task_type", "sync_quo");
    }

    @Test
    void aDatabaseOutageIsRetriedUntilItEndsAndNothingIsDeadLettered() {
        TaskEvents task = aTask(OWNER);
        JdbcTemplate admin = new JdbcTemplate(
                dev.tasklane.testsupport.TestPostgres.newEmptyDatabase().dataSource());
        admin.execute("ALTER DATABASE " + databaseName + " ALLOW_CONNECTIONS false");
        try {
            admin.queryForList(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?", databaseName);
            ledger().publish(task.requested(Instant.now()), task.failed(Instant.now()));
            await().pollDelay(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> true);
        } finally {
            admin.execute("ALTER DATABASE " + databaseName + " ALLOW_CONNECTIONS true");
        }

        ledger().awaitRow(task.id(), "failed", 1);
        assertThat(deadLetters(
                        TaskTopics.deadLetter(TaskTopics.STATUS), task.id().toString()))
                .isEmpty();
    }

    private static void sendRaw(String topic, String key, String value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8)))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConsumerRecord<String, byte[]> awaitDeadLetter(String topic, String key) {
        return await().atMost(30, TimeUnit.SECONDS)
                .until(() -> deadLetters(topic, key), records -> !records.isEmpty())
                .get(0);
    }

    private static List<ConsumerRecord<String, byte[]>> deadLetters(String topic, String key) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "dlt-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(record -> {
                    if (key.equals(record.key())) {
                        found.add(record);
                    }
                });
            }
        }
        return found;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
