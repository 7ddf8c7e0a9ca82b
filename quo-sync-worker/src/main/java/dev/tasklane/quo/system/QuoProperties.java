package dev.tasklane.quo.system;

import java.net.URI;
import java.time.Duration;

import dev.tasklane.worker.RequestSpacing;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Quo sync worker's settings ({@code tasklane.quo.*}). Retries and the circuit breaker of the Quo calls are
 * resilience4j instances named {@code quo} ({@code resilience4j.*} in application.yml); the key's request budget, shared
 * by every instance, is built from {@link #quotaPerSecond()}.
 *
 * @param apiKey         the Quo API key (QUO_API_KEY, from Quo settings → API); a secret, sent as
 *                       {@code Authorization: <key>} and never written anywhere else
 * @param baseUrl        the API's address: Quo's, or the simulator's for a local stack
 * @param connectTimeout how long one call may take to connect
 * @param readTimeout    how long one call may wait for its answer: the timeout per call
 * @param quotaPerSecond requests per second the key may make, all instances together (Quo allows 10 per key): the
 *                       instances share it through the database, so it is the same on each, whatever their number
 *                       (a lower value leaves room for something else that uses the key)
 * @param source         the {@code source} of the contacts Tasklane creates, shown in Quo
 * @param customFields   the keys of the contact custom fields an appointment fills in
 */
@ConfigurationProperties("tasklane.quo")
public record QuoProperties(
        String apiKey,
        @DefaultValue("https://api.openphone.com") URI baseUrl,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration readTimeout,
        @DefaultValue("10") double quotaPerSecond,
        @DefaultValue("tasklane") String source,
        @DefaultValue CustomFieldKeys customFields) {

    public QuoProperties {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalStateException(
                    "No Quo API key: set QUO_API_KEY (create one in Quo settings → API), or run "
                            + "the local stack, which points the worker at the Quo simulator.");
        }
        if (quotaPerSecond < RequestSpacing.MINIMUM_QUOTA || quotaPerSecond > 10) {
            throw new IllegalStateException(
                    "tasklane.quo.quota-per-second (TASKLANE_QUO_QUOTA_PER_SECOND) must be at least 2 "
                            + "and at most 10, Quo's limit per key, was " + quotaPerSecond
                            + ". It is the key's whole quota: "
                            + "every instance shares it through the database, so set the same value (10 unless something "
                            + "else uses the key) on each, whatever their number.");
        }
    }

    /**
     * Which contact custom field of the Quo workspace holds what. An empty key leaves that value out.
     *
     * @param nextAppointment a {@code date} (or {@code string}) field: when the client's next scheduled appointment is
     * @param pickupAddress   an {@code address} (or {@code string}) field: where it starts
     * @param dropoffAddress  an {@code address} (or {@code string}) field: where it ends
     */
    public record CustomFieldKeys(
            @DefaultValue("next-appointment") String nextAppointment,
            @DefaultValue("pickup-address") String pickupAddress,
            @DefaultValue("dropoff-address") String dropoffAddress) {}

    /** {@code text} with the key, should it appear, replaced. */
    public String redact(String text) {
        return text == null ? null : text.replace(apiKey, "<QUO_API_KEY>");
    }

    @Override
    public String toString() {
        return "QuoProperties[baseUrl=" + baseUrl + ", quotaPerSecond=" + quotaPerSecond + ", source=" + source
                + ", customFields=" + customFields + ", apiKey=<hidden>]";
    }
}
