package dev.tasklane.ledger.system;

import java.util.Map;

import dev.tasklane.events.DeadLetters;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.ledger.projection.ContractViolationException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Topics, the producer of the ledger's own events (dismissals, retries), and what happens when a batch fails: a
 * record that breaks the contract goes to {@code <topic>-dlt} at once, with the reason in its headers; anything else
 * (the database is down) is retried with backoff for as long as it takes, and never dead-lettered.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    KafkaAdmin.NewTopics taskTopics(TopicsProperties topics) {
        return new KafkaAdmin.NewTopics(TaskTopics.declarations(
                        topics.taskTypes(), topics.partitions(), topics.replicationFactor(), topics.minInsyncReplicas())
                .toArray(org.apache.kafka.clients.admin.NewTopic[]::new));
    }

    /**
     * Static group membership when {@code tasklane.kafka.instance-id} ({@code TASKLANE_INSTANCE_ID}) is set: a ledger
     * restarted under the same id after a crash takes its partitions back as soon as it joins.
     */
    @Bean
    DefaultKafkaConsumerFactoryCustomizer staticMembership(@Value("${tasklane.kafka.instance-id:}") String instanceId) {
        return factory -> {
            if (!instanceId.isBlank()) {
                factory.updateConfigs(Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId.strip()));
            }
        };
    }

    @Bean
    DefaultErrorHandler projectionErrorHandler(KafkaProperties kafka, MeterRegistry meters) {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        Counter deadLettered = Counter.builder("tasklane.kafka.dead.lettered")
                .description("Records set aside to a -dlt topic: unreadable, or breaking the event contract")
                .register(meters);
        DefaultErrorHandler handler = new DefaultErrorHandler(
                DeadLetters.recoverer(kafka.buildProducerProperties(), deadLettered::increment), backOff);
        handler.addNotRetryableExceptions(ContractViolationException.class);
        return handler;
    }
}
