package dev.tasklane.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventDeserializer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import static org.awaitility.Awaitility.await;

/** Reads what was published to a topic, from the beginning, for assertions. */
public final class TestTopics {

    private TestTopics() {
    }

    /** Waits until {@code topic} holds an event about {@code taskId} that matches, and returns it. */
    public static <T extends TaskEvent> T awaitEvent(String topic, UUID taskId, Class<T> type) {
        return await().atMost(20, TimeUnit.SECONDS).until(() -> events(topic, taskId, type), found -> !found.isEmpty())
                .get(0);
    }

    /** Every event of {@code type} about {@code taskId} on {@code topic} now. */
    public static <T extends TaskEvent> List<T> events(String topic, UUID taskId, Class<T> type) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<T> found = new ArrayList<>();
        try (KafkaConsumer<String, TaskEvent> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new org.springframework.kafka.support.serializer.ErrorHandlingDeserializer<>(new TaskEventDeserializer()))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 2500;
            while (System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(250)).forEach(record -> {
                    if (type.isInstance(record.value()) && record.value().taskId().equals(taskId)) {
                        found.add(type.cast(record.value()));
                    }
                });
            }
        }
        return found;
    }
}
