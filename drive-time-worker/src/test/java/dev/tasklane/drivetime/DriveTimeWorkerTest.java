package dev.tasklane.drivetime;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.tasklane.testsupport.TasklaneInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * The worker against the test JVM's PostgreSQL and Kafka and the Distance Matrix simulator over HTTP, with short
 * pauses so retries and an open circuit take seconds, not minutes. Each test class gets a worker of its own, closed
 * after it, because two workers alive at once would share the test's tasks.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tasklane.drive-times.google.read-timeout=2s",
            "tasklane.drive-times.google.quota-per-second=1000",
            "resilience4j.retry.instances.google-distance-matrix.wait-duration=50ms",
            "resilience4j.retry.instances.google-distance-matrix.exponential-max-wait-duration=200ms",
            "resilience4j.circuitbreaker.instances.google-distance-matrix.minimum-number-of-calls=5",
            "resilience4j.circuitbreaker.instances.google-distance-matrix.wait-duration-in-open-state=2s",
            "tasklane.worker.recovery-pause=500ms",
            "logging.level.org.apache.kafka=WARN"
        })
@ContextConfiguration(initializers = {TasklaneInfrastructure.class, DistanceMatrixSimulatorHolder.class})
// every worker context consumes the same topics: only one may be running at a time
@DirtiesContext
public @interface DriveTimeWorkerTest {}
