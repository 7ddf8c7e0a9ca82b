package dev.tasklane.gateway.system;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The relay's producers, both {@code acks=all} and idempotent (application.yml): task events with their headers, and
 * raw strings for outbox rows that are not valid events and go to {@code task.outbox-dlt}.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    KafkaTemplate<String, TaskEvent> taskEventTemplate(KafkaProperties kafka) {
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                kafka.buildProducerProperties(), new StringSerializer(), new TaskEventSerializer()));
    }

    @Bean
    KafkaTemplate<String, String> rawTemplate(KafkaProperties kafka) {
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                kafka.buildProducerProperties(), new StringSerializer(), new StringSerializer()));
    }
}
