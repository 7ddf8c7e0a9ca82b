package dev.tasklane.cli.status;

import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.tasklane.cli.Http;
import dev.tasklane.cli.Tokens;
import dev.tasklane.cli.stack.Settings;
import dev.tasklane.localkafka.KafkaCluster;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        header = "Health, consumer lag, outbox backlog, failures per type; --watch for a live view.",
        description = {
            "Shows each component's health, the consumer lag per group and topic, the outbox backlog and the",
            "undismissed failed tasks per type. Exit code 0 when every component is up, 1 otherwise.",
            "",
            "Reads the ports of the last ./tasklane up (.tasklane/stack.properties); the same variables override them.",
            "--watch redraws a live view every 2 s until Ctrl-C; given --gateway-url, --ledger-url, --worker-url,",
            "--kafka-bootstrap and --token it watches another installation (production) the same way."
        })
/** {@code ./tasklane status}: each component's health, consumer lag, the outbox backlog and open failures. */
public final class StatusCommand implements Callable<Integer> {

    private final PrintStream out = System.out;

    @Option(
            names = "--watch",
            description = "a live view, redrawn every --interval until Ctrl-C: health, tasks requested, completed and "
                    + "failed per second per type, consumer lag, the outbox, circuit breakers, dead letters")
    boolean watch;

    @Option(
            names = "--interval",
            paramLabel = "<seconds>",
            defaultValue = "2",
            description = "seconds between two frames of --watch (default: ${DEFAULT-VALUE})")
    int intervalSeconds;

    @Option(
            names = "--gateway-url",
            paramLabel = "<url>",
            description = "with --watch: the gateway of another installation (default: the local stack's)")
    String gatewayUrl;

    @Option(names = "--ledger-url", paramLabel = "<url>", description = "with --watch: its ledger")
    String ledgerUrl;

    @Option(
            names = "--worker-url",
            paramLabel = "<url>",
            description = "with --watch: a worker instance; repeat it for each (default: the local two)")
    List<String> workerUrls;

    @Option(names = "--kafka-bootstrap", paramLabel = "<host:port,…>", description = "with --watch: its Kafka")
    String kafkaBootstrap;

    @Option(
            names = "--token",
            paramLabel = "<jwt>",
            description = "with --watch: a supervisor's or admin's token for its ledger (default: minted with the "
                    + "local or TASKLANE_JWT_SECRET secret)")
    String token;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = Settings.fromEnvironment();
        if (watch) {
            return watch(settings);
        }
        boolean allUp = true;
        out.println("Components");
        for (Settings.Port service : Settings.SERVICES) {
            allUp &= line(service.part(), health(settings.url(service) + "/actuator/health"), settings.url(service));
        }
        if (!settings.usesGoogle() && !"false".equals(settings.get("TASKLANE_SIMULATORS"))) {
            allUp &= line(
                    "google-simulator",
                    health(settings.url(Settings.DISTANCE_MATRIX_SIMULATOR) + "/_sim/stats"),
                    settings.url(Settings.DISTANCE_MATRIX_SIMULATOR));
        }
        if (!settings.usesQuo() && !"false".equals(settings.get("TASKLANE_SIMULATORS"))) {
            allUp &= line(
                    "quo-simulator",
                    health(settings.url(Settings.QUO_SIMULATOR) + "/_sim/stats"),
                    settings.url(Settings.QUO_SIMULATOR));
        }
        Map<String, Map<String, Long>> lag = null;
        String kafkaState;
        try {
            lag = lag(settings.kafkaBootstrap());
            kafkaState = "UP" + replication(settings.kafkaBootstrap(), settings.kafkaBrokers());
        } catch (Exception e) {
            kafkaState = "DOWN (" + rootMessage(e) + ")";
        }
        allUp &= line("kafka", kafkaState, settings.kafkaBootstrap());
        try (Connection connection = DriverManager.getConnection(
                settings.databaseUrl(), settings.databaseUser(), settings.databasePassword())) {
            line("postgresql", "UP", settings.databaseUrl());
            printLag(lag);
            printDatabase(connection);
        } catch (SQLException e) {
            allUp &= line("postgresql", "DOWN (" + rootMessage(e) + ")", settings.databaseUrl());
            printLag(lag);
        }
        return allUp ? 0 : 1;
    }

    /** Redraws the view every interval until Ctrl-C (the JVM's shutdown ends it; nothing to clean up). */
    private int watch(Settings settings) throws InterruptedException {
        Map<String, String> services = new LinkedHashMap<>();
        services.put("api-gateway", gatewayUrl != null ? strip(gatewayUrl) : settings.url(Settings.GATEWAY));
        services.put("task-ledger", ledgerUrl != null ? strip(ledgerUrl) : settings.url(Settings.LEDGER));
        if (workerUrls != null && !workerUrls.isEmpty()) {
            for (int i = 0; i < workerUrls.size(); i++) {
                services.put("worker-" + (i + 1), strip(workerUrls.get(i)));
            }
        } else {
            services.put("drive-time-worker", settings.url(Settings.DRIVE_TIME_WORKER));
            services.put("quo-sync-worker", settings.url(Settings.QUO_SYNC_WORKER));
        }
        String caller = token != null
                ? token
                : Tokens.mint(Tokens.DEMO_USERS.get("admin"), "admin", Duration.ofHours(12), settings.jwtSecret(false));
        Watch view = new Watch(new Watch.Targets(
                services,
                services.get("api-gateway"),
                services.get("task-ledger"),
                caller,
                kafkaBootstrap != null ? kafkaBootstrap : settings.kafkaBootstrap()));
        boolean terminal = System.console() != null;
        Watch.Snapshot before = null;
        while (true) {
            Watch.Snapshot now = view.take();
            // a terminal is cleared and redrawn; a pipe (a log, a test) gets one frame after the other
            out.print((terminal ? "\u001b[H\u001b[2J" : "\n") + Watch.render(before, now));
            out.flush();
            before = now;
            Thread.sleep(Math.max(1, intervalSeconds) * 1000L);
        }
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Prints a component's line; true when it is up (a cluster short of a broker still serves: "UP (2 of 3 …)"). */
    private boolean line(String component, String state, String where) {
        out.printf("  %-20s %-10s %s%n", component, state, where);
        return state.equals("UP") || state.startsWith("UP (");
    }

    /** "UP", or "DOWN" with why: a service's {@code /actuator/health}, or a simulator's stats page. */
    static String health(String url) {
        try {
            Http.Answer answer = Http.get(url, null);
            if (url.endsWith("/_sim/stats")) {
                return answer.ok() ? "UP" : "DOWN (HTTP " + answer.status() + ")";
            }
            return answer.body().path("status").asString("DOWN (HTTP " + answer.status() + ")");
        } catch (IOException e) {
            return "DOWN (" + rootMessage(e) + ")";
        }
    }

    /** Lag per consumer group and topic: the end offsets minus the group's committed offsets. */
    /**
     * How many brokers answer and how many partitions lack a copy in sync: a broker of a cluster that died shows here
     * until it is back and has caught up.
     */
    static String replication(String bootstrap, int expected) throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                3000))) {
            int answering =
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
            List<String> under = KafkaCluster.underReplicatedPartitions(admin);
            return String.format(
                    " (%d of %d brokers%s)",
                    answering,
                    expected,
                    under.isEmpty()
                            ? ""
                            : "; " + under.size() + " partitions under-replicated, e.g. " + under.get(0)
                                    + ": a broker is down or catching up, see docs/operations.md");
        }
    }

    public static Map<String, Map<String, Long>> lag(String bootstrap) throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                3000))) {
            Collection<ConsumerGroupListing> groups =
                    admin.listConsumerGroups().all().get(5, TimeUnit.SECONDS);
            Map<String, Map<String, Long>> lag = new TreeMap<>();
            for (ConsumerGroupListing group : groups) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                        .partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                        .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                        admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
                Map<String, Long> byTopic = new TreeMap<>();
                committed.forEach((partition, offset) -> byTopic.merge(
                        partition.topic(),
                        Math.max(0, ends.get(partition).offset() - (offset == null ? 0 : offset.offset())),
                        Long::sum));
                lag.put(group.groupId(), byTopic);
            }
            return lag;
        }
    }

    private void printLag(Map<String, Map<String, Long>> lag) {
        if (lag == null) {
            return;
        }
        out.println();
        out.println("Consumer lag (records not yet processed)");
        if (lag.isEmpty()) {
            out.println("  no consumer groups yet");
        }
        lag.forEach((group, topics) ->
                topics.forEach((topic, records) -> out.printf("  %-20s %-42s %d%n", group, topic, records)));
    }

    private void printDatabase(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            out.println();
            try (ResultSet backlog =
                    statement.executeQuery("SELECT count(*), min(created_at), max(publish_attempts) FROM outbox")) {
                backlog.next();
                long rows = backlog.getLong(1);
                out.println("Outbox backlog: " + rows
                        + (rows == 0
                                ? " rows (everything published)"
                                : " rows waiting for Kafka, oldest from "
                                        + backlog.getObject(2, java.time.OffsetDateTime.class) + ", up to "
                                        + backlog.getInt(3) + " publish attempts"));
            }
            section(
                    statement,
                    "Failed tasks not yet dismissed",
                    """
                    SELECT task_type, count(*), max(failed_at) FROM background_tasks
                    WHERE status = 'failed' AND dismissed_at IS NULL GROUP BY task_type ORDER BY task_type""",
                    row -> String.format(
                            "  %-24s %6d   newest %s",
                            row.getString(1), row.getLong(2), row.getObject(3, java.time.OffsetDateTime.class)));
            section(
                    statement,
                    "Open incidents (failures by cause)",
                    """
                    SELECT state, open_failures, title, first_seen FROM task_incidents WHERE state <> 'resolved'
                    ORDER BY last_seen DESC LIMIT 20""",
                    row -> String.format(
                            "  %-9s %6d   %s (since %s)",
                            row.getString(1),
                            row.getInt(2),
                            row.getString(3),
                            row.getObject(4, java.time.OffsetDateTime.class)));
            section(
                    statement,
                    "Tasks waiting for an outage to end",
                    """
                    SELECT task_type, waiting_for, count(*), min(waiting_since) FROM background_tasks
                    WHERE status IN ('pending', 'running') AND waiting_since IS NOT NULL
                    GROUP BY task_type, waiting_for ORDER BY task_type""",
                    row -> String.format(
                            "  %-24s %6d   waiting for %s since %s",
                            row.getString(1),
                            row.getLong(3),
                            row.getString(2),
                            row.getObject(4, java.time.OffsetDateTime.class)));
        }
    }

    private interface Line {
        String of(ResultSet row) throws SQLException;
    }

    /** A blank line, a title, then a line per row of {@code sql} ("none" when there is none). */
    private void section(Statement statement, String title, String sql, Line line) throws SQLException {
        out.println();
        out.println(title);
        List<String> lines = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                lines.add(line.of(rows));
            }
        }
        if (lines.isEmpty()) {
            out.println("  none");
        }
        lines.forEach(out::println);
    }

    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
