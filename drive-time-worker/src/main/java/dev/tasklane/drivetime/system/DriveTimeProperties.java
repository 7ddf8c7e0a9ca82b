package dev.tasklane.drivetime.system;

import java.net.URI;
import java.time.Duration;

import dev.tasklane.worker.RequestSpacing;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The drive-time worker's settings ({@code tasklane.drive-times.*}). The retries and circuit breaker of the Google
 * calls are resilience4j instances named {@code google-distance-matrix} ({@code resilience4j.*} in application.yml);
 * the key's request budget, shared by every instance, is built from {@link #quotaPerSecond()}.
 *
 * @param apiKey         the Google Maps API key with the Distance Matrix API enabled (GOOGLE_MAPS_API_KEY); a secret
 * @param baseUrl        another address for the API, for the simulator; empty for Google
 * @param connectTimeout how long one call may take to connect
 * @param readTimeout    how long one call may wait for its answer: the timeout per call
 * @param travelMode     {@code driving} unless the business travels otherwise
 * @param quotaPerSecond requests per second the key may make (at least 2), all instances together: they share it
 *                       through the database, so it is the same on each, whatever their number; no one-second window
 *                       holds more (see RequestSpacing and RateBudget in task-worker)
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
        if (quotaPerSecond < RequestSpacing.MINIMUM_QUOTA) {
            throw new IllegalStateException(
                    "GOOGLE_MAPS_QUOTA_PER_SECOND (tasklane.drive-times.google.quota-per-second) "
                            + "must be at least 2, was " + quotaPerSecond
                            + ". It is the key's whole quota (Google Cloud "
                            + "console → quotas, per second): every instance shares it through the database, so set the same "
                            + "value on each, whatever their number.");
        }
    }

    /** The key with all but its first characters hidden, for messages. */
    public String redact(String text) {
        return text == null ? null : text.replace(apiKey, apiKey.substring(0, 4) + "…(hidden)");
    }

    public boolean usesGoogle() {
        return baseUrl == null || baseUrl.toString().isBlank();
    }

    @Override
    public String toString() {
        return "DriveTimeProperties[baseUrl=" + baseUrl + ", quotaPerSecond=" + quotaPerSecond + ", travelMode="
                + travelMode + ", apiKey=" + apiKey.substring(0, 4) + "…(hidden)]";
    }
}
