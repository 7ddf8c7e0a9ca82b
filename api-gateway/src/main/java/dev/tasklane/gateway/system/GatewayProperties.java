package dev.tasklane.gateway.system;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gateway's settings ({@code tasklane.gateway.*}).
 *
 * @param defaultPhoneRegion     how a phone number without a country code is read (ISO 3166 code, e.g. US, GB)
 * @param idempotencyKeyLifetime how long the answer to a POST with an {@code Idempotency-Key} is kept for retries
 */
@ConfigurationProperties("tasklane.gateway")
public record GatewayProperties(
        @DefaultValue("US") String defaultPhoneRegion,
        @DefaultValue("24h") Duration idempotencyKeyLifetime,
        @DefaultValue Outbox outbox) {

    /**
     * The outbox relay.
     *
     * @param pollInterval   the longest the relay sleeps without a notification (a safety net: commits wake it at once)
     * @param batchSize      rows published per transaction
     * @param publishTimeout how long a batch waits for Kafka's acknowledgements before it counts as failed
     * @param maxBackoff     the longest pause between attempts while Kafka is unreachable
     * @param stuckAfter     an unpublished row older than this marks the outbox as stuck in health and metrics
     */
    public record Outbox(
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("100") int batchSize,
            @DefaultValue("10s") Duration publishTimeout,
            @DefaultValue("30s") Duration maxBackoff,
            @DefaultValue("60s") Duration stuckAfter) {
    }
}
