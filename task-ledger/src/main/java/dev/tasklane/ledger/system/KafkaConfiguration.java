package dev.tasklane.ledger.system;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.ledger.projection.ContractViolationException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Topics, the producer of the ledger's own events (dismissals, retries), and what happens when a batch fails: a
 * record that breaks the contract goes to {@code <topic>-dlt} at once, with the reason in its headers; anything else
 * (the database is down) is retried with backoff for as long as it takes, and never dead-lettered.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    /** The header of a dead-lettered record that says, for a person, why it was dead-lettered. */
    static final String REASON_HEADER = "tasklane_dlt-reason";

    @Bean
    KafkaAdmin.NewTopics taskTopics(TopicsProperties topics) {
        return new KafkaAdmin.NewTopics(TaskTopics.declarations(topics.taskTypes(), topics.partitions(),
                topics.replicationFactor()).toArray(org.apache.kafka.clients.admin.NewTopic[]::new));
    }

    @Bean
    DefaultErrorHandler projectionErrorHandler(ProducerFactory<String, TaskEvent> events, KafkaProperties kafka) {
        Map<String, Object> config = new LinkedHashMap<>(kafka.buildProducerProperties());
        ProducerFactory<String, byte[]> raw = new DefaultKafkaProducerFactory<>(config, new StringSerializer(),
                new ByteArraySerializer());
        Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();
        templates.put(TaskEvent.class, new KafkaTemplate<>(events));
        templates.put(byte[].class, new KafkaTemplate<>(raw));
        DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(templates,
                (record, failure) -> new TopicPartition(TaskTopics.deadLetter(record.topic()), -1));
        deadLetters.addHeadersFunction((record, failure) -> new RecordHeaders().add(REASON_HEADER,
                reason(failure).getBytes(StandardCharsets.UTF_8)));

        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(deadLetters, backOff);
        handler.addNotRetryableExceptions(ContractViolationException.class);
        return handler;
    }

    /** Every distinct message of the failure and its causes, outermost first: "failed to deserialize: Unexpected …". */
    static String reason(Throwable failure) {
        java.util.List<String> messages = new java.util.ArrayList<>();
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
