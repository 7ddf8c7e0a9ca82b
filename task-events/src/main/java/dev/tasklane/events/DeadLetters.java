package dev.tasklane.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

/**
 * How every consumer dead-letters a record: to {@code <topic>-dlt} (any partition), with Spring Kafka's
 * {@code kafka_dlt-*} headers (original topic, partition, offset, exception) and {@value #REASON_HEADER}, which says
 * for a person why. A record that could not be read is kept as its original bytes; a readable event as its JSON.
 */
public final class DeadLetters {

    /** The header of a dead-lettered record that says, for a person, why it was dead-lettered. */
    public static final String REASON_HEADER = "tasklane_dlt-reason";

    private DeadLetters() {}

    /**
     * A recoverer that publishes with producers built from {@code producerProperties} and runs {@code afterEach} once
     * each record is on its dead-letter topic (the services count them: {@code tasklane_kafka_dead_lettered_total},
     * which the TasklaneDeadLetters alert watches).
     */
    public static DeadLetterPublishingRecoverer recoverer(Map<String, Object> producerProperties, Runnable afterEach) {
        Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();
        templates.put(
                TaskEvent.class,
                new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                        producerProperties, new StringSerializer(), new TaskEventSerializer())));
        templates.put(
                byte[].class,
                new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                        producerProperties, new StringSerializer(), new ByteArraySerializer())));
        DeadLetterPublishingRecoverer recoverer =
                new DeadLetterPublishingRecoverer(
                        templates, (record, failure) -> new TopicPartition(TaskTopics.deadLetter(record.topic()), -1)) {
                    @Override
                    public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception exception) {
                        super.accept(record, consumer, exception);
                        afterEach.run();
                    }
                };
        recoverer.addHeadersFunction((record, failure) ->
                new RecordHeaders().add(REASON_HEADER, reason(failure).getBytes(StandardCharsets.UTF_8)));
        return recoverer;
    }

    /** Every distinct message of the failure and its causes, outermost first: "failed to deserialize: Unexpected …". */
    public static String reason(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable cause = failure; cause != null && messages.size() < 6; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && messages.stream().noneMatch(seen -> seen.contains(message))) {
                messages.add(message.lines().findFirst().orElse(message));
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return String.join(": ", messages);
    }
}
