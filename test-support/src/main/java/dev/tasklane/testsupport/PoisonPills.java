package dev.tasklane.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.tasklane.events.DeadLetters;
import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.KafkaTemplate;

import static org.awaitility.Awaitility.await;

/**
 * Records a worker's request topic must never choke on: one that is not JSON, and a task event that is not a request.
 * Both belong on the topic's dead-letter topic, with the reason in a header.
 */
public final class PoisonPills {

    private final String topic;
    private final Set<String> keys;

    private PoisonPills(String topic, Set<String> keys) {
        this.topic = topic;
        this.keys = keys;
    }

    /** Publishes the two records to the request topic of {@code taskType}. */
    public static PoisonPills publish(String taskType, KafkaTemplate<String, TaskEvent> kafka) throws Exception {
        String topic = TaskTopics.requested(taskType);
        String garbageKey = UUID.randomUUID().toString();
        TaskRef stray = TaskRef.newTask(taskType, EntityTypes.CLIENT, UUID.randomUUID(), "Stray", null);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, garbageKey, "{\"event_type\": \"TaskRequested\""))
                    .get();
        }
        kafka.send(topic, stray.taskId().toString(), TaskStarted.of(stray, "impostor"))
                .get();
        return new PoisonPills(topic, Set.of(garbageKey, stray.taskId().toString()));
    }

    /** Waits until both records are on the dead-letter topic and returns the reasons given, as the header says. */
    public List<String> awaitDeadLetterReasons() {
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> TestTopics.records(TaskTopics.deadLetter(topic)).stream()
                                .filter(record -> keys.contains(record.key()))
                                .map(record -> new String(
                                        record.headers()
                                                .lastHeader(DeadLetters.REASON_HEADER)
                                                .value(),
                                        StandardCharsets.UTF_8))
                                .toList(),
                        reasons -> reasons.size() == 2);
    }
}
