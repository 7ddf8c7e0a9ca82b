package dev.tasklane.ledger.archive;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import dev.tasklane.ledger.system.LedgerProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Posts a line to a Slack incoming webhook when one is configured. The webhook URL is a secret: it is never logged.
 * A failed post is logged and otherwise ignored; it never fails the job that posted.
 */
@Component
class SlackNotifier {

    private static final Log LOG = LogFactory.getLog(SlackNotifier.class);

    private final URI webhook;
    private final RestClient http;

    SlackNotifier(LedgerProperties properties, RestClient.Builder builder) {
        URI configured = properties.archive().slackWebhookUrl();
        this.webhook = configured == null || configured.toString().isBlank() ? null : configured;
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(Duration.ofSeconds(5));
        requests.setReadTimeout(Duration.ofSeconds(5));
        this.http = builder.requestFactory(requests).build();
    }

    void post(String text) {
        if (webhook == null) {
            return;
        }
        try {
            http.post()
                    .uri(webhook)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("text", text))
                    .retrieve()
                    .toBodilessEntity();
        } catch (RestClientException e) {
            LOG.warn("Could not post to the Slack webhook (tasklane.ledger.archive.slack-webhook-url): "
                    + e.getClass().getSimpleName() + ". Check that the webhook still exists in Slack.");
        }
    }
}
