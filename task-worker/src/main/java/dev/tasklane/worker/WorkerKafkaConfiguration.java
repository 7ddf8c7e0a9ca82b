package dev.tasklane.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

import dev.tasklane.events.DeadLetters;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventSerializer;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.schema.SchemaCheck;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * What every worker shares: its topics (from {@code tasklane.worker.task-type}), the schema check, the producer of its
 * status events, the {@link TaskRunner}, and the error handler of its listener. A request that cannot be read, or is not a request of the worker's type, goes to {@code <topic>-dlt} at
 * once. {@link WaitForRecovery} pauses the record for {@code tasklane.worker.recovery-pause} and tries again, without
 * end, so tasks wait out an outage (announced by the {@link TaskRunner}, failed for a person after
 * {@code tasklane.worker.wait-deadline}, and still run when the API answers). Anything else (the database or Kafka unreachable) retries with backoff up to 30 s,
 * also without end: a valid task is never dead-lettered.
 */
@Configuration(proxyBeanMethods = false)
public class WorkerKafkaConfiguration {

    /** This worker's request topic and task.status, each with its dead-letter topic. */
    @Bean
    KafkaAdmin.NewTopics taskTopics(
            @Value("${tasklane.worker.task-type}") String taskType,
            @Value("${tasklane.topics.partitions:6}") int partitions,
            @Value("${tasklane.topics.replication-factor:1}") short replicationFactor,
            @Value("${tasklane.topics.min-insync-replicas:1}") int minInsyncReplicas) {
        return new KafkaAdmin.NewTopics(
                TaskTopics.declarations(List.of(taskType), partitions, replicationFactor, minInsyncReplicas)
                        .toArray(NewTopic[]::new));
    }

    /**
     * Static group membership when {@code tasklane.kafka.instance-id} ({@code TASKLANE_INSTANCE_ID}) is set: the
     * instance restarted under the same id after a crash takes its partitions back as soon as it joins, instead of
     * after the dead member's session timeout. Each listener thread gets the id with {@code -0}, {@code -1}, … added.
     */
    @Bean
    DefaultKafkaConsumerFactoryCustomizer staticMembership(@Value("${tasklane.kafka.instance-id:}") String instanceId) {
        return factory -> {
            if (!instanceId.isBlank()) {
                factory.updateConfigs(Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId.strip()));
            }
        };
    }

    /** Refuses to start against a database without the Tasklane schema, saying how to apply it. */
    @Bean
    SmartInitializingSingleton schemaCheck(DataSource dataSource) {
        return () -> SchemaCheck.requireApplied(dataSource);
    }

    @Bean
    KafkaTemplate<String, TaskEvent> taskEventTemplate(KafkaProperties kafka) {
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                kafka.buildProducerProperties(), new StringSerializer(), new TaskEventSerializer()));
    }

    /**
     * The runner; {@code tasklane.worker.wait-deadline} ({@code TASKLANE_WAIT_DEADLINE}, default 30 minutes) is how long
     * after its request a task held for an outage is announced as failed ({@code WAIT_DEADLINE}) while still held.
     */
    @Bean
    TaskRunner taskRunner(
            KafkaTemplate<String, TaskEvent> taskEventTemplate,
            MeterRegistry meters,
            @Value("${spring.application.name:worker}") String application,
            @Value("${tasklane.worker.wait-deadline:${TASKLANE_WAIT_DEADLINE:30m}}") java.time.Duration waitDeadline) {
        return new TaskRunner(taskEventTemplate, workerId(application), meters, waitDeadline);
    }

    @Bean
    DefaultErrorHandler workerErrorHandler(
            KafkaProperties kafka, @Value("${tasklane.worker.recovery-pause:5s}") java.time.Duration recoveryPause) {
        DeadLetterPublishingRecoverer recoverer = DeadLetters.recoverer(kafka.buildProducerProperties());
        ExponentialBackOff transientFailures = new ExponentialBackOff(1000, 2.0);
        transientFailures.setMaxInterval(30_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, transientFailures);
        handler.setBackOffFunction((record, failure) -> WaitForRecovery.in(failure) != null
                ? new FixedBackOff(recoveryPause.toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS)
                : null);
        handler.addNotRetryableExceptions(TaskRunner.UnexpectedEventException.class);
        return handler;
    }

    /** {@code <application>-<host>-<random>}: tells instances apart in events and logs. */
    static String workerId(String application) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return application + "-" + host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
