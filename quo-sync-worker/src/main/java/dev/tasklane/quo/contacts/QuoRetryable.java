package dev.tasklane.quo.contacts;

import java.io.IOException;
import java.util.function.Predicate;

import org.springframework.web.client.ResourceAccessException;

/**
 * The Quo failures worth retrying and counting against the circuit breaker: 429, 5xx, timeouts and dropped
 * connections. Named in application.yml ({@code retry-exception-predicate}, {@code record-failure-predicate}).
 */
public class QuoRetryable implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        return failure instanceof QuoApiException api
                ? api.isTransient()
                : failure instanceof ResourceAccessException || failure instanceof IOException;
    }
}
