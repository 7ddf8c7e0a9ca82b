package dev.tasklane.cli.status;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tasklane.cli.Http;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./tasklane status --watch}: what an operator watches, read over HTTP from the services (their health,
 * {@code /actuator/prometheus}, the ledger's failure summary) and from Kafka (the consumer groups' lag), so it works
 * against the local stack and, given its URLs, a production one. A {@link Snapshot} is one reading; {@link #render}
 * turns two readings into a frame of plain text at most 100 columns wide, with rates per second between them.
 */
public final class Watch {

    /** The frame's width: every line is cut to it. */
    public static final int WIDTH = 100;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");
    private static final String REQUESTED = "task.requested.";
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    /** Where to read: each service by name and base URL, the ledger, a supervisor's token, Kafka's bootstrap. */
    public record Targets(
            Map<String, String> services, String gateway, String ledger, String token, String kafkaBootstrap) {}

    /** One reading. Counters are totals since each service started; {@link #render} turns two into rates. */
    public record Snapshot(
            Instant at,
            Map<String, String> health,
            Map<String, Double> requested,
            Map<String, Double> completed,
            Map<String, Double> failed,
            Map<String, Map<String, Long>> lag,
            String lagProblem,
            Double outboxBacklog,
            Double outboxOldestSeconds,
            Map<String, String> breakers,
            Map<String, Double> deadLettered,
            Map<String, Long> openFailures,
            String failuresProblem) {}

    private final Targets targets;

    public Watch(Targets targets) {
        this.targets = targets;
    }

    /** Reads everything once; what cannot be read is shown as such, never thrown. */
    public Snapshot take() {
        Map<String, String> health = new LinkedHashMap<>();
        Map<String, Double> requested = new TreeMap<>();
        Map<String, Double> completed = new TreeMap<>();
        Map<String, Double> failed = new TreeMap<>();
        Map<String, String> breakers = new TreeMap<>();
        Map<String, Double> deadLettered = new TreeMap<>();
        Double backlog = null;
        Double oldest = null;
        for (Map.Entry<String, String> service : targets.services().entrySet()) {
            health.put(service.getKey(), StatusCommand.health(service.getValue() + "/actuator/health"));
            List<Series> metrics = metrics(service.getValue());
            for (Series series : metrics) {
                switch (series.name()) {
                    case "tasklane_outbox_published_total" -> {
                        String topic = series.labels().getOrDefault("topic", "");
                        if (topic.startsWith(REQUESTED)) {
                            requested.merge(topic.substring(REQUESTED.length()), series.value(), Double::sum);
                        }
                    }
                    case "tasklane_worker_tasks_seconds_count" -> {
                        String type = series.labels().getOrDefault("task_type", "?");
                        ("failed".equals(series.labels().get("outcome")) ? failed : completed)
                                .merge(type, series.value(), Double::sum);
                    }
                    case "resilience4j_circuitbreaker_state" -> {
                        if (series.value() == 1) {
                            breakers.merge(
                                    series.labels().get("name"), series.labels().get("state"), Watch::worst);
                        }
                    }
                    case "tasklane_kafka_dead_lettered_total", "tasklane_outbox_dead_lettered_total" ->
                        deadLettered.merge(service.getKey(), series.value(), Double::sum);
                    case "tasklane_outbox_backlog" -> backlog = sum(backlog, series.value());
                    case "tasklane_outbox_oldest_age_seconds" ->
                        oldest = oldest == null ? series.value() : Math.max(oldest, series.value());
                    default -> {}
                }
            }
        }
        Map<String, Map<String, Long>> lag = Map.of();
        String lagProblem = null;
        try {
            lag = StatusCommand.lag(targets.kafkaBootstrap());
        } catch (Exception e) {
            lagProblem =
                    "Kafka at " + targets.kafkaBootstrap() + " did not answer (" + StatusCommand.rootMessage(e) + ")";
        }
        Map<String, Long> openFailures = new TreeMap<>();
        String failuresProblem = null;
        try {
            Http.Answer summary = Http.get(targets.ledger() + "/get-failed-tasks-summary", targets.token());
            if (summary.ok()) {
                for (JsonNode type : summary.body().path("by_task_type")) {
                    openFailures.put(
                            type.path("task_type").asString(),
                            type.path("failed_count").asLong());
                }
            } else {
                failuresProblem = "the ledger answered " + summary.status() + ": " + summary.message();
            }
        } catch (IOException e) {
            failuresProblem = "the ledger did not answer (" + StatusCommand.rootMessage(e) + ")";
        }
        return new Snapshot(
                Instant.now(),
                health,
                requested,
                completed,
                failed,
                lag,
                lagProblem,
                backlog,
                oldest,
                breakers,
                deadLettered,
                openFailures,
                failuresProblem);
    }

    /** The frame for {@code now}, with rates since {@code before} ({@code null}: the first frame, no rates yet). */
    public static String render(Snapshot before, Snapshot now) {
        StringBuilder frame = new StringBuilder();
        double seconds = before == null
                ? 0
                : Math.max(0.001, Duration.between(before.at(), now.at()).toMillis() / 1000.0);
        line(frame, "Tasklane at " + CLOCK.format(now.at()) + "   (Ctrl-C to stop)");
        line(frame, "");
        StringBuilder services = new StringBuilder("Services  ");
        now.health()
                .forEach((service, state) ->
                        services.append(service).append(' ').append(state).append("  "));
        line(frame, services.toString().stripTrailing());

        line(frame, "");
        line(
                frame,
                String.format(
                        "%-26s %12s %12s %12s %12s",
                        "Tasks per second", "requested", "completed", "failed", "open failed"));
        TreeSet<String> types = new TreeSet<>();
        types.addAll(now.requested().keySet());
        types.addAll(now.completed().keySet());
        types.addAll(now.failed().keySet());
        types.addAll(now.openFailures().keySet());
        if (types.isEmpty()) {
            line(frame, "  no task yet");
        }
        for (String type : types) {
            line(
                    frame,
                    String.format(
                            "  %-24s %12s %12s %12s %12s",
                            type,
                            perSecond(before == null ? null : before.requested(), now.requested(), type, seconds),
                            perSecond(before == null ? null : before.completed(), now.completed(), type, seconds),
                            perSecond(before == null ? null : before.failed(), now.failed(), type, seconds),
                            now.failuresProblem() != null
                                    ? "?"
                                    : String.valueOf(now.openFailures().getOrDefault(type, 0L))));
        }
        if (now.failuresProblem() != null) {
            line(frame, "  open failed: " + now.failuresProblem());
        }

        line(frame, "");
        line(frame, "Consumer lag (records not yet processed)");
        if (now.lagProblem() != null) {
            line(frame, "  " + now.lagProblem());
        } else if (now.lag().isEmpty()) {
            line(frame, "  no consumer groups yet");
        }
        now.lag()
                .forEach((group, topics) -> topics.forEach(
                        (topic, records) -> line(frame, String.format("  %-40s %-44s %10d", group, topic, records))));

        line(frame, "");
        line(
                frame,
                now.outboxBacklog() == null
                        ? "Outbox: the gateway's metrics did not answer"
                        : String.format(
                                Locale.ROOT,
                                "Outbox: %.0f rows waiting for Kafka, the oldest %.0f s old",
                                now.outboxBacklog(),
                                now.outboxOldestSeconds() == null ? 0 : now.outboxOldestSeconds()));
        StringBuilder breakers = new StringBuilder("Circuit breakers: ");
        if (now.breakers().isEmpty()) {
            breakers.append("none reported");
        }
        now.breakers()
                .forEach((name, state) -> breakers.append(name)
                        .append(' ')
                        .append(state.toUpperCase(Locale.ROOT))
                        .append("  "));
        line(frame, breakers.toString().stripTrailing());
        StringBuilder dead = new StringBuilder("Dead-lettered records: ");
        double total = now.deadLettered().values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
        dead.append(String.format(Locale.ROOT, "%.0f", total));
        now.deadLettered().forEach((service, count) -> {
            if (count > 0) {
                dead.append(String.format(Locale.ROOT, "  %s %.0f", service, count));
            }
        });
        line(frame, dead.toString());
        return frame.toString();
    }

    /** The rise of a counter between two readings, per second; "-" on the first frame. */
    private static String perSecond(Map<String, Double> before, Map<String, Double> now, String key, double seconds) {
        if (before == null) {
            return "-";
        }
        double rise = now.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
        // a counter that fell belongs to a restarted service: count from zero
        return String.format(Locale.ROOT, "%.1f", (rise < 0 ? now.getOrDefault(key, 0.0) : rise) / seconds);
    }

    /** Open outranks half open, which outranks closed: of several instances, the one in the most trouble. */
    private static String worst(String one, String other) {
        List<String> order = List.of("forced_open", "open", "half_open", "metrics_only", "closed", "disabled");
        int a = order.indexOf(one);
        int b = order.indexOf(other);
        return (a < 0 ? order.size() : a) <= (b < 0 ? order.size() : b) ? one : other;
    }

    private static Double sum(Double total, double value) {
        return total == null ? value : total + value;
    }

    private static void line(StringBuilder frame, String text) {
        frame.append(text.length() > WIDTH ? text.substring(0, WIDTH - 1) + "…" : text)
                .append('\n');
    }

    /** One series of a Prometheus text page. */
    record Series(String name, Map<String, String> labels, double value) {}

    static List<Series> metrics(String base) {
        String page;
        try {
            page = HTTP.send(
                            HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        return parse(page);
    }

    static List<Series> parse(String page) {
        return page.lines()
                .filter(line -> !line.startsWith("#"))
                .map(SERIES::matcher)
                .filter(Matcher::matches)
                .map(series -> {
                    Map<String, String> labels = new TreeMap<>();
                    if (series.group(3) != null) {
                        Matcher label = LABEL.matcher(series.group(3));
                        while (label.find()) {
                            labels.put(label.group(1), label.group(2));
                        }
                    }
                    double value;
                    try {
                        value = Double.parseDouble(series.group(4));
                    } catch (NumberFormatException e) {
                        value = Double.NaN;
                    }
                    return new Series(series.group(1), labels, value);
                })
                .toList();
    }
}
