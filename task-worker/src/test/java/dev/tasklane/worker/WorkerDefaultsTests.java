package dev.tasklane.worker;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** task-worker's shared settings sit below the worker's own and still read the TASKLANE_* variables. */
class WorkerDefaultsTests {

    private static StandardEnvironment environment(Map<String, Object> own) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addLast(new MapPropertySource("application.yml", own));
        new WorkerDefaults().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void aWorkersOwnSettingWinsOverTheSharedDefault() {
        StandardEnvironment environment = environment(Map.of("spring.kafka.consumer.auto-offset-reset", "latest"));

        assertThat(environment.getProperty("spring.kafka.consumer.auto-offset-reset"))
                .isEqualTo("latest");
        assertThat(environment.getProperty("spring.kafka.producer.acks")).isEqualTo("all");
    }

    @Test
    void theSharedDefaultsReadTheEnvironmentVariablesAsBefore() {
        StandardEnvironment environment = environment(Map.of(
                "TASKLANE_KAFKA_SESSION_TIMEOUT_MS", "6000",
                "TASKLANE_INSTANCE_ID", "drive-time-1",
                "TASKLANE_WAIT_DEADLINE", "5m",
                "TASKLANE_KAFKA_BOOTSTRAP", "kafka-1:9092"));

        assertThat(environment.getProperty("spring.kafka.consumer.properties.session.timeout.ms"))
                .isEqualTo("6000");
        assertThat(environment.getProperty("tasklane.worker.instance-id")).isEqualTo("drive-time-1");
        assertThat(environment.getProperty("tasklane.worker.wait-deadline")).isEqualTo("5m");
        assertThat(environment.getProperty("spring.kafka.bootstrap-servers")).isEqualTo("kafka-1:9092");
    }

    @Test
    void withoutAnyVariableTheDefaultsAreThoseOfBefore() {
        StandardEnvironment environment = environment(Map.of());

        assertThat(environment.getProperty("spring.kafka.consumer.properties.session.timeout.ms"))
                .isEqualTo("10000");
        assertThat(environment.getProperty("tasklane.worker.instance-id")).isEmpty();
        assertThat(environment.getProperty("spring.kafka.producer.properties.enable.idempotence"))
                .isEqualTo("true");
    }

    @Test
    void theTopicAndWorkerSettingsBindFromTheirEnvironmentVariables() {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        "variables",
                        Map.of(
                                "TASKLANE_TOPICS_REPLICATION_FACTOR", "3",
                                "TASKLANE_TOPICS_MIN_INSYNC_REPLICAS", "2",
                                "TASKLANE_WORKER_RECOVERY_PAUSE", "2s")));
        Binder binder = new Binder(ConfigurationPropertySources.get(environment));

        TopicsProperties topics = binder.bindOrCreate("tasklane.topics", TopicsProperties.class);
        WorkerProperties worker = binder.bindOrCreate("tasklane.worker", WorkerProperties.class);

        assertThat(topics.replicationFactor()).isEqualTo((short) 3);
        assertThat(topics.minInsyncReplicas()).isEqualTo(2);
        assertThat(topics.partitions()).isEqualTo(6);
        assertThat(worker.recoveryPause()).hasSeconds(2);
        assertThat(worker.waitDeadline()).hasMinutes(30);
    }
}
