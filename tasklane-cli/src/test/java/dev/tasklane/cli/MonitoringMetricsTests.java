package dev.tasklane.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tasklane.cli.stack.Settings;
import dev.tasklane.testsupport.HttpJson;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The alerting rules and the Grafana dashboard of the production stack query metrics by name; a name the services do
 * not expose (a typo, a renamed meter) would make an alert that never fires and a panel that stays empty. This scrapes
 * every service of the running stack, after a client's tasks ran, and checks every name they query is there.
 */
@Order(4)
class MonitoringMetricsTests {

    /** The metric names Tasklane's services expose (Prometheus's own, such as {@code up}, are not checked). */
    static final Pattern METRIC =
            Pattern.compile("\\b((?:tasklane|kafka_consumer|resilience4j|hikaricp|jvm|http_server)_[a-z0-9_]+)\\b");

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final RunningStack stack = RunningStack.get();

    @Test
    void everyMetricTheAlertsAndTheDashboardQueryIsOneTheServicesExpose() throws Exception {
        String user = stack.tokens.get("user");
        HttpJson.Response added = stack.gateway()
                .post(
                        "/add-client",
                        user,
                        "{\"name\": \"Meter Reader\", \"phone\": \"+12175550199\", \"address\": \"3 Dial St, "
                                + "Springfield, IL\"}");
        assertThat(added.status()).as(added.body().toString()).isEqualTo(200);
        String clientId = added.body().path("client_id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode tasks = stack.gateway()
                    .get("/tasks?entity_type=client&entity_id=" + clientId, user)
                    .body()
                    .path("tasks");
            // a completed task registers the workers' task timer; any will do (Google's breaker may be open)
            return tasks.valueStream()
                    .anyMatch(task -> task.path("status").asString().equals("completed"));
        });

        Set<String> exposed = new TreeSet<>();
        for (Settings.Port service :
                Set.of(Settings.GATEWAY, Settings.LEDGER, Settings.DRIVE_TIME_WORKER, Settings.QUO_SYNC_WORKER)) {
            String scrape = HTTP.send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://localhost:" + stack.port(service) + "/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            scrape.lines()
                    .filter(line -> !line.startsWith("#") && !line.isBlank())
                    .map(line -> line.split("[{ ]", 2)[0])
                    .forEach(exposed::add);
        }
        Set<String> queried = metricsIn(Files.readString(ROOT.resolve("compose/prometheus/alerts.yml"))
                + Files.readString(ROOT.resolve("compose/grafana/dashboards/tasklane.json")));

        assertThat(queried).as("the names found in the rules and the dashboard").hasSizeGreaterThan(10);
        assertThat(exposed).as("what the four services expose").containsAll(queried);
    }

    /** The metric names a rules file or a dashboard queries. */
    static Set<String> metricsIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher metric = METRIC.matcher(text);
        while (metric.find()) {
            names.add(metric.group(1));
        }
        return names;
    }
}
