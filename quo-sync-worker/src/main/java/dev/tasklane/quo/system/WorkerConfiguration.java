package dev.tasklane.quo.system;

import dev.tasklane.worker.WorkerKafkaConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The shared worker machinery: topics, schema check, task lifecycle, dead letters. */
@Configuration(proxyBeanMethods = false)
@Import(WorkerKafkaConfiguration.class)
class WorkerConfiguration {
}
