package dev.tasklane.gateway.system;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The gateway's settings ({@code tasklane.gateway.*}).
 *
 * @param ledgerUrl              where the task-ledger answers; its task endpoints are routed there
 * @param defaultPhoneRegion     how a phone number without a country code is read (ISO 3166 code, e.g. US, GB)
 * @param idempotencyKeyLifetime how long the answer to a POST with an {@code Idempotency-Key} is kept for retries
 * @param corsAllowedOrigins     the origins of pages on other sites that may call the gateway from a browser (the
 *                               existing app that includes the browser scripts, e.g. https://app.example.com); none
 *                               by default
 * @param streams                the {@code /task-events} streams
 */
@ConfigurationProperties("tasklane.gateway")
public record GatewayProperties(
        @DefaultValue("http://localhost:8081") java.net.URI ledgerUrl,
        @DefaultValue("US") String defaultPhoneRegion,
        @DefaultValue("24h") Duration idempotencyKeyLifetime,
        @DefaultValue java.util.List<String> corsAllowedOrigins,
        @DefaultValue Outbox outbox,
        @DefaultValue Streams streams) {

    /**
     * The {@code /task-events} streams, served without a thread each.
     *
     * @param perUser           how many streams one person may hold open at once (one per tab or window); one more
     *                          is refused with 429
     * @param lifetime          how long a stream lasts before the browser is asked to reconnect (and its token is
     *                          checked again)
     * @param maxQueuedBytes    how far a browser may fall behind before its stream is closed (it reconnects and
     *                          resumes)
     * @param concurrentResumes how many reconnecting streams fetch what they missed from the ledger at once (after a
     *                          gateway restart every browser reconnects together)
     * @param upstreamSilence   a connection to the ledger that sent nothing (not even a heartbeat) for this long is
     *                          reopened
     * @param logSummaryEvery   how often the log gets one line for the streams that ended
     */
    public record Streams(
            @DefaultValue("10") int perUser,
            @DefaultValue("30m") Duration lifetime,
            @DefaultValue("1MB") DataSize maxQueuedBytes,
            @DefaultValue("32") int concurrentResumes,
            @DefaultValue("45s") Duration upstreamSilence,
            @DefaultValue("60s") Duration logSummaryEvery) {}

    /**
     * The outbox relay.
     *
     * @param relay          whether this instance runs a relay (every instance does by default; an instance without
     *                       one only queues, and another instance publishes)
     * @param pollInterval   the longest the relay sleeps without a notification (a safety net: commits wake it at once)
     * @param linger         how long the relay waits after being woken, so the commits of a busy moment share one
     *                       batch (it delays publication by that much, never an answer)
     * @param batchSize      rows published per transaction
     * @param publishTimeout how long a batch waits for Kafka's acknowledgements before it counts as failed; longer than
     *                       the producer's delivery.timeout.ms, so every send has its answer by then
     * @param maxBackoff     the longest pause between attempts while Kafka is unreachable
     * @param stuckAfter     an unpublished row older than this marks the outbox as stuck in health and metrics
     */
    public record Outbox(
            @DefaultValue("true") boolean relay,
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("10ms") Duration linger,
            @DefaultValue("100") int batchSize,
            @DefaultValue("15s") Duration publishTimeout,
            @DefaultValue("30s") Duration maxBackoff,
            @DefaultValue("60s") Duration stuckAfter) {}
}
