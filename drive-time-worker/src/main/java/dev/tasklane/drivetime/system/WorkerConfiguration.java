package dev.tasklane.drivetime.system;

import java.time.Duration;
import javax.sql.DataSource;

import dev.tasklane.drivetime.matrix.DistanceMatrixClient;
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

    /** How long a request waits for its moment before its task waits instead (announced as TaskWaiting). */
    private static final Duration LONGEST_WAIT_FOR_A_CALL = Duration.ofSeconds(60);

    /** The key's quota, shared with every other instance through the database. */
    @Bean
    RateBudget googleBudget(DataSource dataSource, DriveTimeProperties google, MeterRegistry meters) {
        return new RateBudget(
                dataSource,
                DistanceMatrixClient.RESILIENCE,
                google.apiKey(),
                google.quotaPerSecond(),
                LONGEST_WAIT_FOR_A_CALL,
                meters);
    }
}
