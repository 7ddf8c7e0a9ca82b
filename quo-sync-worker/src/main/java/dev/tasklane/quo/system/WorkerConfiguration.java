package dev.tasklane.quo.system;

import java.time.Duration;
import javax.sql.DataSource;

import dev.tasklane.quo.contacts.QuoClient;
import dev.tasklane.worker.RateBudget;
import dev.tasklane.worker.WorkerKafkaConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The shared worker machinery: topics, schema check, task lifecycle, dead letters, and the key's request budget. */
@Configuration(proxyBeanMethods = false)
@Import(WorkerKafkaConfiguration.class)
class WorkerConfiguration {

    /** How long a call waits for its moment before its task waits instead (announced as TaskWaiting). */
    private static final Duration LONGEST_WAIT_FOR_A_CALL = Duration.ofSeconds(60);

    /** The key's quota, shared with every other instance through the database. */
    @Bean
    RateBudget quoBudget(DataSource dataSource, QuoProperties quo, MeterRegistry meters) {
        return new RateBudget(
                dataSource, QuoClient.RESILIENCE, quo.apiKey(), quo.quotaPerSecond(), LONGEST_WAIT_FOR_A_CALL, meters);
    }
}
