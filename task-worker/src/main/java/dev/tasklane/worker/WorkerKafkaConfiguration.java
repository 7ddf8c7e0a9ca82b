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
import dev.tasklane.events.TaskType;
import dev.tasklane.schema.SchemaCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * What every worker shares: a listener per {@link TaskHandler} bean ({@link TaskListeners}), the topics of their task
 * types, the schema check, the producer of its status events, the {@link TaskRunner}, and the error handler of its
 * listeners. A request that cannot be read, or is not a request of its listener's type, goes to {@code <topic>-dlt} at
 * once. {@link WaitForRecovery} pauses the record for {@code tasklane.worker.recovery-pause} and tries again, without
 * end, so tasks wait out an outage (announced by the {@link TaskRunner}, failed for a person after
 * {@code tasklane.worker.wait-deadline}, and still run when the API answers). Anything else (the database or Kafka
 * unreachable) retries with backoff up to 30 s, also without end: a valid task is never dead-lettered. The Kafka client
 * settings every worker shares are in {@code tasklane-worker-defaults.yml} ({@link WorkerDefaults}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({WorkerProperties.class, TopicsProperties.class})
public class WorkerKafkaConfiguration {

    /** The request topic of each handler's task type and task.status, each with its dead-letter topic. */
    @Bean
    KafkaAdmin.NewTopics taskTopics(List<TaskHandler> handlers, TopicsProperties topics) {
        List<String> taskTypes =
                TaskListeners.taskTypes(handlers).stream().map(TaskType::name).toList();
        return new KafkaAdmin.NewTopics(TaskTopics.declarations(
                        taskTypes, topics.partitions(), topics.replicationFactor(), topics.minInsyncReplicas())
                .toArray(NewTopic[]::new));
    }

    @Bean
    TaskListeners taskListeners(
            List<TaskHandler> handlers, TaskRunner runner, WorkerProperties properties, Environment environment) {
        return new TaskListeners(handlers, runner, properties, application(environment));
    }

    /**
     * Static group membership when {@code tasklane.kafka.instance-id} ({@code TASKLANE_INSTANCE_ID}) is set: the
     * instance restarted under the same id after a crash takes its partitions back as soon as it joins, instead of
     * after the dead member's session timeout. Each listener thread gets the id with {@code -0}, {@code -1}, … added;
     * each task type has a consumer group of its own, so the ids of two types' threads never meet in one group.
     */
    @Bean
    DefaultKafkaConsumerFactoryCustomizer staticMembership(WorkerProperties properties) {
        return factory -> {
            if (!properties.instanceId().isEmpty()) {
                factory.updateConfigs(Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, properties.instanceId()));
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
            WorkerProperties properties,
            Environment environment) {
        return new TaskRunner(taskEventTemplate, workerId(application(environment)), meters, properties.waitDeadline());
    }

    @Bean
    DefaultErrorHandler workerErrorHandler(KafkaProperties kafka, WorkerProperties properties, MeterRegistry meters) {
        DeadLetterPublishingRecoverer recoverer =
                DeadLetters.recoverer(kafka.buildProducerProperties(), deadLettered(meters)::increment);
        ExponentialBackOff transientFailures = new ExponentialBackOff(1000, 2.0);
        transientFailures.setMaxInterval(30_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, transientFailures);
        long recoveryPause = properties.recoveryPause().toMillis();
        handler.setBackOffFunction((record, failure) -> WaitForRecovery.in(failure) != null
                ? new FixedBackOff(recoveryPause, FixedBackOff.UNLIMITED_ATTEMPTS)
                : null);
        handler.addNotRetryableExceptions(TaskRunner.UnexpectedEventException.class);
        return handler;
    }

    /** Records this service set aside to a {@code -dlt} topic (the TasklaneDeadLetters alert watches it). */
    public static Counter deadLettered(MeterRegistry meters) {
        return Counter.builder("tasklane.kafka.dead.lettered")
                .description("Records set aside to a -dlt topic: unreadable, or not what the topic carries")
                .register(meters);
    }

    private static String application(Environment environment) {
        return environment.getProperty("spring.application.name", "worker");
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
