package dev.tasklane.drivetime.matrix;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import dev.tasklane.drivetime.DistanceMatrixSimulatorHolder;
import dev.tasklane.drivetime.system.DriveTimeProperties;
import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestPostgres;
import dev.tasklane.worker.RateBudget;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static dev.tasklane.drivetime.DistanceMatrixSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;

class DistanceMatrixClientTests {

    /**
     * The Google client's own rate limiter (50 queries a second unless told otherwise) held every sequential call for
     * about 40 ms against a simulator that answers in 2, and so capped a worker at ~45 tasks a second whatever quota
     * it was given. However slow the machine, a limiter of 50 a second cannot let 100 calls through in under 2 s.
     */
    @Test
    void aCallIsNotHeldBackByTheGoogleClientsOwnRateLimiter() throws Exception {
        SIMULATOR.reset();
        TestDatabase database = TestPostgres.newDatabase();
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(database.url());
            pool.setUsername(database.user());
            pool.setPassword(database.password());
            runsAHundredCallsInUnderTwoSeconds(pool);
        }
    }

    private static void runsAHundredCallsInUnderTwoSeconds(HikariDataSource pool) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DistanceMatrixClient client = new DistanceMatrixClient(
                new DriveTimeProperties(
                        DistanceMatrixSimulatorHolder.KEY,
                        URI.create(SIMULATOR.baseUrl()),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2),
                        "driving",
                        1000),
                RetryRegistry.ofDefaults(),
                CircuitBreakerRegistry.ofDefaults(),
                new RateBudget(
                        pool,
                        DistanceMatrixClient.RESILIENCE,
                        DistanceMatrixSimulatorHolder.KEY,
                        1000,
                        Duration.ofSeconds(60),
                        meters),
                meters);
        List<String> drivers = List.of("1 A St, Springfield", "2 B St, Springfield");
        List<String> clients = List.of("3 C St, Springfield");
        client.routes(drivers, clients);
        long started = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertThat(client.routes(drivers, clients).elements()).hasSize(2);
        }
        assertThat((System.nanoTime() - started) / 1_000_000)
                .as("milliseconds for 100 sequential calls (a limiter of "
                        + "50 a second cannot give them in less than 2,000; without one they take a few hundred)")
                .isLessThan(1900);
    }
}
