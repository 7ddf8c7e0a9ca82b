package dev.tasklane.drivetime.matrix;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.tasklane.drivetime.DistanceMatrixSimulatorHolder;
import dev.tasklane.drivetime.system.DriveTimeProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static dev.tasklane.drivetime.DistanceMatrixSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;

class DistanceMatrixClientTests {

    /**
     * The Google client's own rate limiter (50 queries a second unless told otherwise) held every sequential call for
     * about 40 ms against a simulator that answers in 2, and so capped a worker at ~45 tasks a second whatever quota
     * it was given. A median over 20 calls is far from either side of the 20 ms line.
     */
    @Test
    void aCallIsNotHeldBackByTheGoogleClientsOwnRateLimiter() throws Exception {
        SIMULATOR.reset();
        DistanceMatrixClient client = new DistanceMatrixClient(new DriveTimeProperties(
                DistanceMatrixSimulatorHolder.KEY, URI.create(SIMULATOR.baseUrl()), Duration.ofSeconds(2),
                Duration.ofSeconds(2), "driving", 1000), RetryRegistry.ofDefaults(), CircuitBreakerRegistry.ofDefaults(),
                RateLimiterRegistry.ofDefaults(), new SimpleMeterRegistry());
        List<String> drivers = List.of("1 A St, Springfield", "2 B St, Springfield");
        List<String> clients = List.of("3 C St, Springfield");
        client.routes(drivers, clients);
        long[] nanos = new long[20];
        for (int i = 0; i < nanos.length; i++) {
            long started = System.nanoTime();
            assertThat(client.routes(drivers, clients).elements()).hasSize(2);
            nanos[i] = System.nanoTime() - started;
        }
        Arrays.sort(nanos);
        assertThat(nanos[nanos.length / 2] / 1_000_000).as("median milliseconds per sequential call").isLessThan(20);
    }
}
