package dev.tasklane.drivetime.matrix;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.maps.DistanceMatrixApi;
import com.google.maps.DistanceMatrixApiRequest;
import com.google.maps.GeoApiContext;
import com.google.maps.errors.ApiException;
import com.google.maps.model.DistanceMatrix;
import com.google.maps.model.DistanceMatrixElement;
import com.google.maps.model.TravelMode;
import dev.tasklane.drivetime.system.DriveTimeProperties;
import dev.tasklane.worker.RateBudget;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Google Maps Distance Matrix through the official client, packed into the fewest requests the limits allow. Each
 * request passes, from the outside in, resilience4j's retry (backoff with jitter, for OVER_QUERY_LIMIT, HTTP 5xx,
 * timeouts and dropped connections), circuit breaker, the key's {@link RateBudget} (shared by every thread of every
 * instance: each request waits for its moment, spaced so that all instances together stay within the key's quota), and
 * the client's own per-call timeouts. The client's built-in retries are switched off: one layer retries, visibly and
 * boundedly, with the breaker seeing every attempt.
 */
@Component
public class DistanceMatrixClient implements DisposableBean {

    public static final String RESILIENCE = "google-distance-matrix";
    private static final int UNLIMITED_BY_THE_CLIENT = 100_000;

    private final GeoApiContext google;
    private final TravelMode mode;
    private final Retry retry;
    private final CircuitBreaker circuitBreaker;
    private final RateBudget budget;
    private final MeterRegistry meters;

    DistanceMatrixClient(
            DriveTimeProperties properties,
            RetryRegistry retries,
            CircuitBreakerRegistry breakers,
            RateBudget googleBudget,
            MeterRegistry meters) {
        // One layer limits the rate, as one layer retries: the client's own limiter (50 queries a second by default,
        // shared by every consumer thread) held each sequential call for ~40 ms and capped an instance at ~45 calls a
        // second whatever the key's quota; the key's budget, shared by every instance, is the one that counts.
        GeoApiContext.Builder builder = new GeoApiContext.Builder()
                .apiKey(properties.apiKey())
                .disableRetries()
                .queryRateLimit(UNLIMITED_BY_THE_CLIENT)
                .connectTimeout(properties.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(properties.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (!properties.usesGoogle()) {
            builder.baseUrlOverride(properties.baseUrl().toString().replaceAll("/+$", ""));
        }
        this.google = builder.build();
        this.mode = TravelMode.valueOf(properties.travelMode().toUpperCase(java.util.Locale.ROOT));
        this.retry = retries.retry(RESILIENCE);
        this.circuitBreaker = breakers.circuitBreaker(RESILIENCE);
        this.budget = googleBudget;
        this.meters = meters;
    }

    /** Routes from every origin to every destination. */
    public Matrix routes(List<String> origins, List<String> destinations) throws Exception {
        List<List<Matrix.Route>> elements = new ArrayList<>();
        for (int i = 0; i < origins.size(); i++) {
            elements.add(new ArrayList<>(java.util.Collections.nCopies(destinations.size(), (Matrix.Route) null)));
        }
        List<Packing.Block> blocks = Packing.blocks(origins.size(), destinations.size());
        for (Packing.Block block : blocks) {
            String[] from = places(origins.subList(block.originFrom(), block.originTo()));
            String[] to = places(destinations.subList(block.destinationFrom(), block.destinationTo()));
            DistanceMatrix answer = call(from, to);
            for (int o = 0; o < from.length; o++) {
                for (int d = 0; d < to.length; d++) {
                    Matrix.Route route = route(answer.rows[o].elements[d]);
                    Counter.builder("tasklane.google.elements")
                            .tag("status", route.status())
                            .description("Distance Matrix elements (billed), by status")
                            .register(meters)
                            .increment();
                    elements.get(block.originFrom() + o).set(block.destinationFrom() + d, route);
                }
            }
        }
        return new Matrix(elements, blocks.size());
    }

    private DistanceMatrix call(String[] origins, String[] destinations) throws Exception {
        CheckedSupplier<DistanceMatrix> request = () -> {
            DistanceMatrixApiRequest ready = DistanceMatrixApi.getDistanceMatrix(google, origins, destinations)
                    .mode(mode);
            // the request is ready: nothing but the wire between its moment and Google
            budget.take();
            try {
                DistanceMatrix answer = ready.await();
                count("OK");
                return answer;
            } catch (ApiException e) {
                count(e.getClass().getSimpleName().replace("Exception", ""));
                throw e;
            } catch (IOException e) {
                count(e instanceof java.net.SocketTimeoutException ? "timeout" : "io_error");
                throw e;
            }
        };
        try {
            return Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(circuitBreaker, request))
                    .get();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable other) {
            throw new IllegalStateException(other);
        }
    }

    private void count(String status) {
        Counter.builder("tasklane.google.requests")
                .tag("api", "distance_matrix")
                .tag("status", status)
                .description("Distance Matrix requests, by outcome")
                .register(meters)
                .increment();
    }

    /** Addresses as the API takes them: a '|' would split one address into two places. */
    private static String[] places(List<String> addresses) {
        return addresses.stream()
                .map(address -> address.replace('|', ' ').strip())
                .toArray(String[]::new);
    }

    private static Matrix.Route route(DistanceMatrixElement element) {
        // the official client has no constant for MAX_ROUTE_LENGTH_EXCEEDED and leaves the status null
        String status = element.status == null ? "MAX_ROUTE_LENGTH_EXCEEDED" : element.status.name();
        if (!"OK".equals(status)) {
            return new Matrix.Route(status, null, null);
        }
        return new Matrix.Route(status, element.distance.inMeters, element.duration.inSeconds);
    }

    @Override
    public void destroy() {
        google.shutdown();
    }
}
