package dev.tasklane.drivetime.system;

import javax.sql.DataSource;

import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.schema.SchemaCheck;
import dev.tasklane.worker.WorkerKafkaConfiguration;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaAdmin;

/** The shared worker machinery, the topics this worker uses, and the schema check. */
@Configuration(proxyBeanMethods = false)
@Import(WorkerKafkaConfiguration.class)
class WorkerConfiguration {

    @Bean
    KafkaAdmin.NewTopics taskTopics(@Value("${tasklane.topics.partitions:6}") int partitions,
            @Value("${tasklane.topics.replication-factor:1}") short replicationFactor) {
        return new KafkaAdmin.NewTopics(TaskTopics.declarations(java.util.List.of(TaskTypes.CALCULATE_DRIVE_TIMES),
                partitions, replicationFactor).toArray(NewTopic[]::new));
    }

    @Bean
    SmartInitializingSingleton schemaCheck(DataSource dataSource) {
        return () -> SchemaCheck.requireApplied(dataSource);
    }
}
