package dev.tasklane.gateway.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventJson;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.gateway.GatewayIntegrationTest;
import dev.tasklane.gateway.system.GatewayProperties;
import dev.tasklane.testsupport.TestKafka;
import dev.tasklane.testsupport.TestTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay on its own: its safety poll is set to an hour here, so anything published within seconds was woken by a
 * write or by PostgreSQL's notification.
 */
@GatewayIntegrationTest
@TestPropertySource(properties = "tasklane.gateway.outbox.poll-interval=1h")
class OutboxRelayIntegrationTests {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    Outbox outbox;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    KafkaTemplate<String, String> raw;

    @Autowired
    GatewayProperties properties;

    @Autowired
    DataSourceProperties database;

    private void insertRaw(String topic, String key, String payload) {
        jdbc.update(
                "INSERT INTO outbox (event_id, topic, message_key, event_type, payload) VALUES (?, ?, ?, 'TaskRequested', ?::jsonb)",
                UUID.randomUUID(),
                topic,
                key,
                payload);
    }

    private static TaskRef aTask() {
        return TaskRef.newTask("sync_quo", EntityTypes.CLIENT, UUID.randomUUID(), "Relay Test", UUID.randomUUID());
    }

    @Test
    void aWriteWakesTheRelayAtOnce() {
        TaskRef task = aTask();

        Write write = new Write();
        write.queue(task, Map.of("client_id", task.entityId().toString()), "Rita Relay");
        outbox.commit(write);

        TaskRequested published = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> TestTopics.events(TaskTopics.requested("sync_quo"), task.taskId(), TaskRequested.class),
                        events -> !events.isEmpty())
                .get(0);
        assertThat(published.entityName()).isEqualTo("Relay Test");
        assertThat(published.requestedByName()).isEqualTo("Rita Relay");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject(
                                "SELECT count(*) FROM outbox WHERE message_key = ?",
                                Long.class,
                                task.taskId().toString())
                        == 0);
    }

    @Test
    void aRowAnotherWriterCommitsIsPublishedThroughTheNotification() {
        UUID taskId = jdbc.queryForObject(
                "SELECT create_background_task('client', gen_random_uuid(), 'Via SQL', " + "'sync_quo', NULL)",
                UUID.class);

        TaskRequested published = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> TestTopics.events(TaskTopics.requested("sync_quo"), taskId, TaskRequested.class),
                        events -> !events.isEmpty())
                .get(0);
        assertThat(published.entityName()).isEqualTo("Via SQL");
    }

    @Test
    void aStatusEventIsPublishedToTheStatusTopicInOrderWithItsTask() {
        TaskRef task = aTask();
        TaskStarted started = TaskStarted.of(task, "sql-api");
        insertRaw(
                TaskTopics.requested("sync_quo"),
                task.taskId().toString(),
                TaskEventJson.write(TaskRequested.of(task, Map.of())));
        insertRaw(TaskTopics.STATUS, task.taskId().toString(), TaskEventJson.write(started));
        jdbc.queryForList("SELECT pg_notify('outbox', '')");

        assertThat(TestTopics.awaitEvent(TaskTopics.STATUS, task.taskId(), TaskStarted.class)
                        .eventId())
                .isEqualTo(started.eventId());
    }

    @Test
    void aRowThatIsNotAValidEventGoesToTheOutboxDeadLetterTopicAndDoesNotBlockTheRest() {
        String key = UUID.randomUUID().toString();
        TaskRef next = aTask();
        insertRaw("task.requested.sync_quo", key, "{\"event_type\": \"TaskRequested\", \"task_id\": \"" + key + "\"}");
        Write write = new Write();
        write.queue(next, Map.of(), null);
        outbox.commit(write);

        TestTopics.awaitEvent(TaskTopics.requested("sync_quo"), next.taskId(), TaskRequested.class);
        assertThat(await().atMost(Duration.ofSeconds(20))
                        .until(() -> rawValues("task.outbox-dlt", key), values -> !values.isEmpty())
                        .get(0))
                .contains(key);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox WHERE message_key = ?", Long.class, key))
                .isZero();
    }

    @Test
    void twoRelaysPublishEachRowOnce() {
        OutboxRelay second = new OutboxRelay(
                jdbc, transactions, kafka, raw, new OutboxSignal(), properties, database, new SimpleMeterRegistry());
        second.start();
        try {
            List<TaskRef> tasks = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                tasks.add(aTask());
            }
            for (int from = 0; from < tasks.size(); from += 50) {
                List<TaskRef> slice = tasks.subList(from, from + 50);
                Write write = new Write();
                slice.forEach(task -> write.queue(task, Map.of(), null));
                outbox.commit(write);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.queryForObject(
                                    "SELECT count(*) FROM outbox WHERE payload ->> 'entity_name' = 'Relay Test'",
                                    Long.class)
                            == 0);

            Map<String, Integer> published = countByKey(TaskTopics.requested("sync_quo"));
            for (TaskRef task : tasks) {
                assertThat(published.get(task.taskId().toString()))
                        .as("publications of " + task.taskId())
                        .isEqualTo(1);
            }
        } finally {
            second.stop();
        }
    }

    private static Map<String, Integer> countByKey(String topic) {
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(5);
            while (Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(300)).forEach(record -> counts.merge(record.key(), 1, Integer::sum));
            }
        }
        return counts;
    }

    private static List<String> rawValues(String topic, String key) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(3);
            while (Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(300)).forEach(record -> {
                    if (key.equals(record.key())) {
                        values.add(record.value());
                    }
                });
            }
        }
        return values;
    }

    private static KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TestKafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "relay-test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer());
    }
}
