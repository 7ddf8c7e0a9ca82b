package dev.tasklane.quo.system;

import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.quo.contacts.QuoClient;
import dev.tasklane.worker.RateBudget;
import dev.tasklane.worker.WorkerKafkaConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaAdmin;

/** The shared worker machinery: topics, schema check, task lifecycle, dead letters, and the key's request budget. */
@Configuration(proxyBeanMethods = false)
@Import(WorkerKafkaConfiguration.class)
class WorkerConfiguration {

    /** How long a call waits for its moment before its task waits instead (announced as TaskWaiting). */
    private static final Duration LONGEST_WAIT_FOR_A_CALL = Duration.ofSeconds(60);

    /**
     * The topics of {@code send_appointment_text}, which this worker also runs (its texts share the key's budget). For
     * now: the task type registry (branch wt-registry) declares every type a worker serves.
     */
    @Bean
    KafkaAdmin.NewTopics appointmentTextTopics(
            @Value("${tasklane.topics.partitions:6}") int partitions,
            @Value("${tasklane.topics.replication-factor:1}") short replicationFactor,
            @Value("${tasklane.topics.min-insync-replicas:1}") int minInsyncReplicas) {
        return new KafkaAdmin.NewTopics(TaskTopics.declarations(
                        List.of(TaskTypes.SEND_APPOINTMENT_TEXT), partitions, replicationFactor, minInsyncReplicas)
                .stream()
                .filter(topic -> !topic.name().startsWith(TaskTopics.STATUS))
                .toArray(NewTopic[]::new));
    }

    /** The key's quota, shared with every other instance through the database. */
    @Bean
    RateBudget quoBudget(DataSource dataSource, QuoProperties quo, MeterRegistry meters) {
        return new RateBudget(
                dataSource, QuoClient.RESILIENCE, quo.apiKey(), quo.quotaPerSecond(), LONGEST_WAIT_FOR_A_CALL, meters);
    }
}
