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
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

import static org.awaitility.Awaitility.await;

/** Reads what was published to a topic of the test broker, from the beginning to its current end, for assertions. */
public final class TestTopics {

    private TestTopics() {
    }

    /** Waits until {@code topic} holds an event of {@code type} about {@code taskId}, and returns the first. */
    public static <T extends TaskEvent> T awaitEvent(String topic, UUID taskId, Class<T> type) {
        return await().atMost(20, TimeUnit.SECONDS).until(() -> events(topic, taskId, type), found -> !found.isEmpty())
                .get(0);
    }

    /** Every event of {@code type} about {@code taskId} on {@code topic} now, in order. */
    public static <T extends TaskEvent> List<T> events(String topic, UUID taskId, Class<T> type) {
        return events(topic, type).stream().filter(event -> event.taskId().equals(taskId)).toList();
    }

    /** Every event of {@code type} on {@code topic} now, in order per partition. Unreadable records are skipped. */
    public static <T extends TaskEvent> List<T> events(String topic, Class<T> type) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<T> found = new ArrayList<>();
        try (KafkaConsumer<String, TaskEvent> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(new TaskEventDeserializer()))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                return found;
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 10_000;
            while (!caughtUp(consumer, ends) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (type.isInstance(record.value())) {
                        found.add(type.cast(record.value()));
                    }
                });
            }
        }
        return found;
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
