package dev.tasklane.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventDeserializer;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import static org.awaitility.Awaitility.await;

/** Reads what was published to a topic of the test broker, from the beginning to its current end, for assertions. */
public final class TestTopics {

    private TestTopics() {}

    /** Waits until {@code topic} holds an event of {@code type} about {@code taskId}, and returns the first. */
    public static <T extends TaskEvent> T awaitEvent(String topic, UUID taskId, Class<T> type) {
        return await().atMost(20, TimeUnit.SECONDS)
                .until(() -> events(topic, taskId, type), found -> !found.isEmpty())
                .get(0);
    }

    /** Every event of {@code type} about {@code taskId} on {@code topic} now, in order. */
    public static <T extends TaskEvent> List<T> events(String topic, UUID taskId, Class<T> type) {
        return events(topic, type).stream()
                .filter(event -> event.taskId().equals(taskId))
                .toList();
    }

    /** Waits up to a minute for the {@code TaskCompleted} of this attempt of {@code request}, as a worker publishes it. */
    public static TaskCompleted awaitCompleted(TaskRequested request) {
        return awaitOutcome(request, TaskCompleted.class);
    }

    /** Waits up to a minute for the {@code TaskFailed} of this attempt of {@code request}, as a worker publishes it. */
    public static TaskFailed awaitFailed(TaskRequested request) {
        return awaitOutcome(request, TaskFailed.class);
    }

    private static <T extends TaskEvent> T awaitOutcome(TaskRequested request, Class<T> type) {
        return await().atMost(60, TimeUnit.SECONDS)
                .until(
                        () -> events(TaskTopics.STATUS, request.taskId(), type).stream()
                                .filter(outcome -> outcome.attempt() == request.attempt())
                                .toList(),
                        found -> !found.isEmpty())
                .get(0);
    }

    /** Every event of {@code type} on {@code topic} now, in order per partition. Unreadable records are skipped. */
    public static <T extends TaskEvent> List<T> events(String topic, Class<T> type) {
        List<T> found = new ArrayList<>();
        try (TaskEventDeserializer events = new TaskEventDeserializer()) {
            for (ConsumerRecord<String, byte[]> record : records(topic)) {
                try {
                    TaskEvent event = events.deserialize(topic, record.headers(), record.value());
                    if (type.isInstance(event)) {
                        found.add(type.cast(event));
                    }
                } catch (RuntimeException unreadable) {
                    // a poison pill a test published on purpose
                }
            }
        }
        return found;
    }

    /** Every record on {@code topic} now, as bytes with its headers, in order per partition. */
    public static List<ConsumerRecord<String, byte[]>> records(String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                return found;
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 10_000;
            while (!caughtUp(consumer, ends) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(found::add);
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
