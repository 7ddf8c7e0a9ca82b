package dev.tasklane.ledger.system;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import dev.tasklane.events.TaskTypes;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The ledger's settings ({@code tasklane.ledger.*}).
 *
 * @param retryableTaskTypes task types a person may retry: those a worker consumes (a retry of any other would wait
 *                           forever); by default those registered as retryable in {@link TaskTypes}, a setting may
 *                           narrow it (an empty value: none)
 * @param publishTimeout     how long dismiss and retry wait for Kafka to acknowledge their event before answering 503
 */
@ConfigurationProperties("tasklane.ledger")
public record LedgerProperties(
        @DefaultValue Archive archive,
        @DefaultValue Stream stream,
        List<String> retryableTaskTypes,
        @DefaultValue("10s") Duration publishTimeout) {

    public LedgerProperties {
        retryableTaskTypes = retryableTaskTypes == null ? TaskTypes.retryable() : List.copyOf(retryableTaskTypes);
    }

    /**
     * The daily archive job.
     *
     * @param cron            when it runs (Spring cron, six fields)
     * @param zone            the time zone of {@code cron}
     * @param batchSize       tasks moved per committed batch
     * @param slackWebhookUrl a Slack incoming-webhook URL to post the count to, or empty for none; a secret
     */
    public record Archive(
            @DefaultValue("0 0 3 * * *") String cron,
            @DefaultValue("UTC") String zone,
            @DefaultValue("1000") int batchSize,
            URI slackWebhookUrl) {}

    /**
     * The realtime stream ({@code GET /task-events}).
     *
     * @param heartbeat     how often an idle stream sends a comment, so proxies keep it open
     * @param timeout       how long one stream lasts before the browser reconnects (and resumes)
     * @param resumeOverlap changes this recent are sent again on resume, whatever their position: a change that
     *                      committed after a later-numbered one is not missed
     * @param resumeLimit   the most changes sent on one resume
     */
    public record Stream(
            @DefaultValue("15s") Duration heartbeat,
            @DefaultValue("30m") Duration timeout,
            @DefaultValue("10s") Duration resumeOverlap,
            @DefaultValue("1000") int resumeLimit) {}
}
