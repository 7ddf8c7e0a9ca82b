package dev.tasklane.worker;

import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.testsupport.TasklaneInfrastructure;
import dev.tasklane.testsupport.TestTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker with two handlers, on the test broker and database: task-worker starts a listener per handler, each on its
 * type's topic in its own consumer group with its own threads, and applies the Kafka settings every worker shares.
 */
@SpringBootTest(
        classes = TaskListenersIntegrationTests.TwoHandlers.class,
        properties = {
            "spring.application.name=two-handler-worker",
            "tasklane.worker.task-types[sync_quo].group=two-handler-quo",
            "tasklane.worker.task-types[sync_quo].consumers=2",
            "logging.level.org.apache.kafka=WARN"
        })
@ContextConfiguration(initializers = TasklaneInfrastructure.class)
class TaskListenersIntegrationTests {

    /** Completes every request, saying which handler ran it. */
    private record Named(String taskType) implements TaskHandler {
        @Override
        public Map<String, Object> handle(TaskRequested request) {
            return Map.of("handled_by", taskType, "entity_name", request.entityName());
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(WorkerKafkaConfiguration.class)
    static class TwoHandlers {
        @Bean
        MeterRegistry meters() {
            return new SimpleMeterRegistry();
        }

        @Bean
        TaskHandler driveTimes() {
            return new Named(TaskTypes.CALCULATE_DRIVE_TIMES);
        }

        @Bean
        TaskHandler quoContacts() {
            return new Named(TaskTypes.SYNC_QUO);
        }
    }

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    Environment environment;

    private TaskRequested request(String taskType, String entityType, String name) throws Exception {
        TaskRequested request = TaskRequested.of(
                TaskRef.newTask(taskType, entityType, UUID.randomUUID(), name, UUID.randomUUID()), Map.of());
        kafka.send(TaskTopics.requested(taskType), request.taskId().toString(), request)
                .get();
        return request;
    }

    @Test
    void aWorkerWithTwoHandlersConsumesTheTopicOfEachWithItsOwnHandler() throws Exception {
        TaskRequested driveTimes = request(TaskTypes.CALCULATE_DRIVE_TIMES, EntityTypes.DRIVER, "Sam Driver");
        TaskRequested contact = request(TaskTypes.SYNC_QUO, EntityTypes.APPOINTMENT, "Visit of Jane Doe");

        TaskCompleted driveTimesDone = TestTopics.awaitCompleted(driveTimes);
        TaskCompleted contactDone = TestTopics.awaitCompleted(contact);

        assertThat(driveTimesDone.result())
                .containsEntry("handled_by", TaskTypes.CALCULATE_DRIVE_TIMES)
                .containsEntry("entity_name", "Sam Driver");
        assertThat(contactDone.result())
                .containsEntry("handled_by", TaskTypes.SYNC_QUO)
                .containsEntry("entity_name", "Visit of Jane Doe");
    }

    @Test
    void eachTypeHasAListenerInAGroupOfItsOwnWithItsOwnThreads() {
        var driveTimes = (ConcurrentMessageListenerContainer<?, ?>)
                listeners.getListenerContainer("two-handler-worker.calculate_drive_times");
        var contacts = (ConcurrentMessageListenerContainer<?, ?>) listeners.getListenerContainer("two-handler-quo");

        assertThat(listeners.getListenerContainerIds()).hasSize(2);
        assertThat(driveTimes.getGroupId()).isEqualTo("two-handler-worker.calculate_drive_times");
        assertThat(driveTimes.getContainerProperties().getTopics())
                .containsExactly("task.requested.calculate_drive_times");
        assertThat(driveTimes.getConcurrency()).isEqualTo(1);
        assertThat(contacts.getGroupId()).isEqualTo("two-handler-quo");
        assertThat(contacts.getContainerProperties().getTopics()).containsExactly("task.requested.sync_quo");
        assertThat(contacts.getConcurrency()).isEqualTo(2);
    }

    @Test
    void theKafkaSettingsEveryWorkerSharesComeFromTaskWorker() {
        assertThat(environment.getProperty("spring.kafka.consumer.value-deserializer"))
                .isEqualTo("org.springframework.kafka.support.serializer.ErrorHandlingDeserializer");
        assertThat(environment.getProperty("spring.kafka.consumer.properties.session.timeout.ms"))
                .isEqualTo("10000");
        assertThat(environment.getProperty("spring.kafka.producer.acks")).isEqualTo("all");
        assertThat(environment.getProperty("spring.kafka.producer.compression-type"))
                .isEqualTo("lz4");
        assertThat(environment.getProperty("tasklane.worker.wait-deadline")).isEqualTo("30m");
    }
}
