package dev.tasklane.drivetime.system;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The drive-time worker's settings ({@code tasklane.drive-times.*}). The rate limit, retries and circuit breaker of
 * the Google calls are resilience4j instances named {@code google-distance-matrix} ({@code resilience4j.*} in
 * application.yml).
 *
 * @param apiKey         the Google Maps API key with the Distance Matrix API enabled (GOOGLE_MAPS_API_KEY); a secret
 * @param baseUrl        another address for the API, for the simulator; empty for Google
 * @param connectTimeout how long one call may take to connect
 * @param readTimeout    how long one call may wait for its answer: the timeout per call
 * @param travelMode     {@code driving} unless the business travels otherwise
 * @param quotaPerSecond requests per second this instance may make with the key; the rate limiter allows 90% of it,
 *                       evenly spread, so network jitter never pushes a second over the quota
 */
@ConfigurationProperties("tasklane.drive-times.google")
public record DriveTimeProperties(
        String apiKey,
        URI baseUrl,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration readTimeout,
        @DefaultValue("driving") String travelMode,
        @DefaultValue("50") double quotaPerSecond) {

    public DriveTimeProperties {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalStateException("No Google Maps API key: set GOOGLE_MAPS_API_KEY (a key with the Distance "
                    + "Matrix API enabled, from Google Cloud console → APIs & Services → Credentials), or run the "
                    + "local stack, which points the worker at the Distance Matrix simulator.");
        }
        if (!apiKey.startsWith("AIza")) {
            throw new IllegalStateException("GOOGLE_MAPS_API_KEY does not look like a Google API key (they start with "
                    + "'AIza'); check that the whole key was copied.");
        }
    }

    /** The pause between two requests that keeps this instance at 90% of its quota. */
    public Duration requestSpacing() {
        return Duration.ofNanos((long) Math.ceil(1_000_000_000L / (quotaPerSecond * 0.9)));
    }

    /** The key with all but its first characters hidden, for messages. */
    public String redact(String text) {
        return text == null ? null : text.replace(apiKey, apiKey.substring(0, 4) + "…(hidden)");
    }

    public boolean usesGoogle() {
        return baseUrl == null || baseUrl.toString().isBlank();
    }
}
