package dev.tasklane.worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTypes;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.KafkaListenerEndpointRegistrar;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A worker's handlers and listener settings that cannot work are refused at start, saying what to change. */
class TaskListenersTests {

    private record Handler(String taskType) implements TaskHandler {
        @Override
        public Map<String, Object> handle(TaskRequested request) {
            return Map.of();
        }
    }

    private static void configure(List<TaskHandler> handlers, Map<String, WorkerProperties.Listener> settings) {
        WorkerProperties properties = new WorkerProperties(Duration.ofMinutes(30), Duration.ofSeconds(5), "", settings);
        new TaskListeners(handlers, null, properties, "worker")
                .configureKafkaListeners(new KafkaListenerEndpointRegistrar());
    }

    @Test
    void aHandlerOfAnUnregisteredTypeIsRefused() {
        assertThatThrownBy(() -> configure(List.of(new Handler("send_reminder")), Map.of()))
                .hasMessageContaining("'send_reminder' is not a registered task type");
    }

    @Test
    void twoHandlersOfOneTypeAreRefused() {
        assertThatThrownBy(() ->
                        configure(List.of(new Handler(TaskTypes.SYNC_QUO), new Handler(TaskTypes.SYNC_QUO)), Map.of()))
                .hasMessageContaining("Two handlers run sync_quo");
    }

    @Test
    void aWorkerWithoutHandlersIsRefused() {
        assertThatThrownBy(() -> configure(List.of(), Map.of())).hasMessageContaining("no TaskHandler bean");
    }

    @Test
    void twoTypesInOneConsumerGroupAreRefused() {
        assertThatThrownBy(() -> configure(
                        List.of(new Handler(TaskTypes.SYNC_QUO), new Handler(TaskTypes.CALCULATE_DRIVE_TIMES)),
                        Map.of(
                                TaskTypes.SYNC_QUO, new WorkerProperties.Listener("shared", 1),
                                TaskTypes.CALCULATE_DRIVE_TIMES, new WorkerProperties.Listener("shared", 1))))
                .hasMessageContaining("are both in consumer group shared");
    }

    @Test
    void settingsForATypeThisWorkerDoesNotRunAreRefused() {
        // what binding makes of an unbracketed YAML key: its underscores removed
        assertThatThrownBy(() -> configure(
                        List.of(new Handler(TaskTypes.SYNC_QUO)),
                        Map.of("syncquo", new WorkerProperties.Listener(null, 3))))
                .hasMessageContaining("settings for [syncquo]")
                .hasMessageContaining("'[sync_quo]'");
    }

    @Test
    void noConsumersIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> configure(
                        List.of(new Handler(TaskTypes.SYNC_QUO)),
                        Map.of(TaskTypes.SYNC_QUO, new WorkerProperties.Listener(null, 0))))
                .hasMessageContaining("tasklane.worker.task-types[sync_quo].consumers must be 1 or more");
    }
}
