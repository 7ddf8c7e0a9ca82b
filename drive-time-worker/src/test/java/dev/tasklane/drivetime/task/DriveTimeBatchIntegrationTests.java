package dev.tasklane.drivetime.task;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.drivetime.Business;
import dev.tasklane.drivetime.DriveTimeWorkerTest;
import dev.tasklane.drivetime.Simulator;
import dev.tasklane.events.DeadLetters;
import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.testsupport.TestKafka;
import dev.tasklane.testsupport.TestTopics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;

import static dev.tasklane.drivetime.DistanceMatrixSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The requests of one poll run as a batch: good, failing and unreadable records side by side in one partition, queued
 * while the worker was stopped so that one poll brings them all.
 */
@DriveTimeWorkerTest
class DriveTimeBatchIntegrationTests {

    private static final String TOPIC = TaskTopics.requested(TaskTypes.CALCULATE_DRIVE_TIMES);

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    MeterRegistry meters;

    @Test
    void aPollOfGoodFailingAndPoisonRecordsRunsEachOnceAndDeadLettersOnlyThePoison() throws Exception {
        SIMULATOR.reset();
        Business business = new Business(jdbc, kafka);
        business.onlyWhatThisTestAdds();
        List<UUID> drivers = business.drivers(3, "Batch St");
        UUID ada = business.client("Ada Batch", "1 Batch Ave, Springfield");
        UUID bob = business.client("Bob Batch", "2 Batch Ave, Springfield");

        MessageListenerContainer worker = listeners.getListenerContainer("drive-time-worker");
        worker.stop();
        TaskRequested first = request(EntityTypes.CLIENT, ada, "Ada Batch");
        TaskRequested ghost = request(EntityTypes.CLIENT, UUID.randomUUID(), "Gus Ghost");
        TaskRequested appointment = request("appointment", UUID.randomUUID(), "Appointment of Ada Batch");
        String garbageKey = UUID.randomUUID().toString();
        TaskRequested afterThePoison = request(EntityTypes.CLIENT, bob, "Bob Batch");
        TaskRequested forADriver = request(EntityTypes.DRIVER, drivers.get(0), "Driver 0 of Batch St");
        send(first);
        send(ghost);
        send(appointment);
        try (KafkaProducer<String, String> raw = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            raw.send(new ProducerRecord<>(TOPIC, 0, garbageKey, "{\"event_type\": \"TaskRequ"))
                    .get();
        }
        send(afterThePoison);
        send(forADriver);
        worker.start();

        assertThat(business.awaitCompleted(first).result())
                .containsEntry("drivers", 3)
                .containsEntry("elements_ok", 3);
        assertThat(business.awaitFailed(ghost).error().code()).isEqualTo("CLIENT_NOT_FOUND");
        assertThat(business.awaitFailed(appointment).error().code()).isEqualTo("UNSUPPORTED_ENTITY");
        assertThat(business.awaitCompleted(afterThePoison).result()).containsEntry("elements_ok", 3);
        assertThat(business.awaitCompleted(forADriver).result())
                .containsEntry("clients", 2)
                .containsEntry("elements_ok", 2);

        List<ConsumerRecord<String, byte[]>> deadLetters = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> TestTopics.records(TaskTopics.deadLetter(TOPIC)),
                        found -> found.stream().anyMatch(record -> garbageKey.equals(record.key())));
        assertThat(deadLetters)
                .filteredOn(record -> garbageKey.equals(record.key()))
                .singleElement()
                .satisfies(record -> assertThat(new String(
                                record.headers()
                                        .lastHeader(DeadLetters.REASON_HEADER)
                                        .value(),
                                StandardCharsets.UTF_8))
                        .contains("failed to deserialize"));
        assertThat(meters.counter("tasklane.kafka.dead.lettered").count())
                .as("counted for the TasklaneDeadLetters alert")
                .isEqualTo(1);
        assertThat(deadLetters)
                .as("only the unreadable record is dead-lettered")
                .noneMatch(record -> List.of(first, ghost, appointment, afterThePoison, forADriver).stream()
                        .anyMatch(request -> request.taskId().toString().equals(record.key())));

        List<TaskEvent> status = TestTopics.events(TaskTopics.STATUS, TaskEvent.class);
        for (TaskRequested request : List.of(first, ghost, appointment, afterThePoison, forADriver)) {
            List<TaskEvent> ofTask = status.stream()
                    .filter(event -> event.taskId().equals(request.taskId()))
                    .toList();
            assertThat(ofTask)
                    .as("%s started once: nothing before the poison ran again", request.entityName())
                    .filteredOn(TaskStarted.class::isInstance)
                    .hasSize(1);
            assertThat(ofTask)
                    .as("%s ended once", request.entityName())
                    .filteredOn(event -> event instanceof TaskCompleted || event instanceof TaskFailed)
                    .hasSize(1);
        }
        assertThat(Simulator.stats().get("requests").asInt())
                .as("one Distance Matrix request per good task")
                .isEqualTo(3);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM client_drive_times WHERE client_id IN (?, ?)", Long.class, ada, bob))
                .isEqualTo(6);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM client_drive_times WHERE driver_id = ? AND client_id IN "
                                + "(SELECT id FROM clients WHERE active)",
                        Long.class,
                        drivers.get(0)))
                .isEqualTo(2);
    }

    private static TaskRequested request(String entityType, UUID entityId, String name) {
        return TaskRequested.of(
                TaskRef.newTask(TaskTypes.CALCULATE_DRIVE_TIMES, entityType, entityId, name, UUID.randomUUID()),
                Map.of(entityType.equals(EntityTypes.CLIENT) ? "client_id" : "driver_id", entityId.toString()));
    }

    /** Into partition 0, so that one consumer's poll holds every record of the test in order. */
    private void send(TaskRequested request) throws Exception {
        kafka.send(TOPIC, 0, request.taskId().toString(), request).get();
    }
}
