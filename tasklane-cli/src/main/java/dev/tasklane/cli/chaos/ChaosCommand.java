package dev.tasklane.cli.chaos;

import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.tasklane.cli.CliException;
import dev.tasklane.cli.Http;
import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.BrokersOption;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.stack.ServiceProcess;
import dev.tasklane.cli.stack.Settings;
import dev.tasklane.localkafka.KafkaCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        header = "Breaks a Tasklane stack of its own on purpose and checks that nothing was lost or duplicated.",
        description = {
            "Starts a stack like ./tasklane bench does (fresh data under target/chaos-*, free ports,",
            "simulators), then runs each scenario (--only, comma-separated):",
            "  broker    the Kafka broker (every broker, with --brokers 3) SIGKILLed for --outage seconds while",
            "            --clients add-clients arrive",
            "  broker-of-three  on three brokers (--brokers 3, the default when it is the only scenario): one",
            "            broker SIGKILLed for 10 s, then, once it is back in every ISR, the active controller, half",
            "            of --clients add-clients arriving around each; the add-client p99 during each kill and each",
            "            broker's return to the ISR of every partition",
            "  postgres  PostgreSQL stopped for 15 s while the gateway takes add-clients",
            "  storms    Quo answers 429 and Google OVER_QUERY_LIMIT for --storm seconds while clients arrive",
            "  workers   a quo-sync-worker SIGKILLed mid-batch and restarted; a second drive-time-worker added",
            "            and removed mid-run",
            "Each scenario ends by checking every task it requested: one terminal state each, no client with two",
            "Quo contacts, one drive-time row per driver and client. Exit code 1 if any check failed.",
            "The figures go into docs/benchmarks.md."
        })
public final class ChaosCommand implements Callable<Integer> {

    private static final Set<String> SCENARIOS = Set.of("broker", "broker-of-three", "postgres", "storms", "workers");
    /** Seconds a broker of three stays down before it is started again. */
    private static final int NODE_OUTAGE = 10;
    /** What the stack is configured to send each API at most, checked against what the simulators saw. */
    private static final int GOOGLE_QUOTA = 20;

    private static final int QUO_QUOTA = 10;
    private static final int DRIVERS = 3;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "<name>",
            description = "which scenarios (default: all but broker-of-three): broker, broker-of-three, postgres, "
                    + "storms, workers")
    List<String> only = List.of("broker", "postgres", "storms", "workers");

    @Option(
            names = "--clients",
            defaultValue = "1000",
            description = "add-clients in flight while the broker is down (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(
            names = "--outage",
            defaultValue = "30",
            description = "seconds the broker stays down (default: ${DEFAULT-VALUE})")
    int outage;

    @Option(
            names = "--storm",
            defaultValue = "60",
            description = "seconds Quo and Google refuse every request (default: ${DEFAULT-VALUE})")
    int storm;

    @Mixin
    BrokersOption brokers = new BrokersOption();

    private final PrintStream out = System.out;
    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private ScratchStack scratch;
    private boolean allClean = true;

    @Override
    public Integer call() throws Exception {
        for (String name : only) {
            if (!SCENARIOS.contains(name)) {
                throw new CliException(
                        "--only takes broker, broker-of-three, postgres, storms or workers, not '" + name + "'.");
            }
        }
        int brokerCount = brokers.orElse(only.equals(List.of("broker-of-three")) ? 3 : 1);
        if (only.contains("broker-of-three") && brokerCount != 3) {
            throw new CliException("broker-of-three kills one broker of three: run it with --brokers 3.");
        }
        if (clients < 1 || outage < 1 || storm < 1) {
            throw new CliException("--clients, --outage and --storm must be at least 1.");
        }
        scratch = ScratchStack.start(
                "chaos",
                brokerCount,
                Map.of(
                        "GOOGLE_MAPS_QUOTA_PER_SECOND",
                        String.valueOf(GOOGLE_QUOTA),
                        "TASKLANE_QUO_QUOTA",
                        String.valueOf(QUO_QUOTA)));
        try {
            scratch.activeDrivers(DRIVERS);
            for (String name : only) {
                switch (name) {
                    case "broker" -> broker();
                    case "broker-of-three" -> brokerOfThree();
                    case "postgres" -> postgres();
                    case "storms" -> storms();
                    default -> workers();
                }
            }
            out.println();
            out.println("For docs/benchmarks.md (" + Instant.now().toString().substring(0, 10) + ", "
                    + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                    + "):");
            out.println(
                    "| scenario | requests | answers | tasks | completed | failed | lost | duplicated | recovery |");
            out.println("|---|---:|---|---:|---:|---:|---:|---:|---|");
            rows.forEach(out::println);
            out.println();
            notes.forEach(out::println);
            out.println();
            out.println(
                    allClean
                            ? "Every scenario: nothing lost, nothing duplicated, nothing failed."
                            : "AT LEAST ONE SCENARIO LOST, DUPLICATED OR FAILED TASKS: see the rows above.");
            return allClean ? 0 : 1;
        } finally {
            scratch.close();
        }
    }

    // ---------------------------------------------------------------- scenarios

    private void broker() throws Exception {
        say("broker: " + clients + " add-clients at 40/s; "
                + (scratch.stack.kafka().size() == 1
                        ? "the Kafka broker is"
                        : "all " + scratch.stack.kafka().size() + " Kafka brokers are")
                + " SIGKILLed 5 s in, for " + outage + " s");
        resetSimulators();
        CompletableFuture<List<Answer>> load = load("Chaos Broker", clients, 40);
        pause(5);
        scratch.stack.kafka().kill();
        say("broker: killed");
        pause(outage);
        scratch.stack.kafka().start();
        OffsetDateTime back = dbNow();
        say("broker: started again");
        List<Answer> answers = load.get();
        finish(
                "Kafka broker SIGKILLed for " + outage + " s, " + clients + " add-clients through the gateway",
                answers,
                back,
                "the broker's return");
    }

    /**
     * A broker killed, then the active controller, each started again once the one before is back in every ISR; half
     * of the add-clients arrive around each kill, so each has requests in flight whatever its restart takes.
     */
    private void brokerOfThree() throws Exception {
        KafkaCluster kafka = scratch.stack.kafka();
        int rate = 10;
        say("broker-of-three: " + clients + " add-clients at " + rate + "/s, half around each kill: a broker SIGKILLed "
                + "5 s into the first half for " + NODE_OUTAGE + " s, the active controller 5 s into the second");
        resetSimulators();
        CompletableFuture<List<Answer>> firstHalf = load("Chaos Broker of Three", clients / 2, rate);
        pause(5);
        Outage broker = outage(kafka, kafka.activeController() % kafka.size() + 1, "a broker");
        List<Answer> answers = new ArrayList<>(firstHalf.get());
        CompletableFuture<List<Answer>> secondHalf = load("Chaos Controller of Three", clients - clients / 2, rate);
        pause(5);
        Outage controller = outage(kafka, kafka.activeController(), "the active controller");
        OffsetDateTime back = dbNow();
        answers.addAll(secondHalf.get());
        for (Outage outage : List.of(broker, controller)) {
            long[] during = answers.stream()
                    .filter(answer -> {
                        long due = answer.finished() - answer.nanos();
                        return due >= outage.killed() && due <= outage.inSync();
                    })
                    .mapToLong(Answer::nanos)
                    .sorted()
                    .toArray();
            String note = String.format(
                    Locale.ROOT,
                    "%s (node %d) SIGKILLed, started again %d s later: answering %s "
                            + "after its start, %s; %d add-clients were due from the kill until then, p99 %s, the slowest %s.",
                    outage.role(),
                    outage.node(),
                    NODE_OUTAGE,
                    seconds(outage.answering() - outage.started()),
                    outage.rejoined()
                            ? "back in the ISR of every partition " + seconds(outage.inSync() - outage.started())
                                    + " after its start"
                            : "NOT back in every ISR within 3 min",
                    during.length,
                    milliseconds(Load.percentile(during, 99)),
                    milliseconds(during.length == 0 ? 0 : during[during.length - 1]));
            say("broker-of-three: " + note);
            notes.add("- " + note);
            if (!outage.rejoined()) {
                allClean = false;
            }
        }
        long[] otherwise = answers.stream()
                .filter(answer -> {
                    long due = answer.finished() - answer.nanos();
                    return Stream.of(broker, controller)
                            .noneMatch(outage -> due >= outage.killed() && due <= outage.inSync());
                })
                .mapToLong(Answer::nanos)
                .sorted()
                .toArray();
        String baseline = String.format(
                Locale.ROOT,
                "The other %d add-clients, due while all three brokers ran: p99 %s.",
                otherwise.length,
                milliseconds(Load.percentile(otherwise, 99)));
        say("broker-of-three: " + baseline);
        notes.add("- " + baseline);
        if (answers.stream().anyMatch(answer -> answer.status() != 200)) {
            allClean = false;
        }
        finish(
                "One broker of three SIGKILLed for " + NODE_OUTAGE + " s, then the active controller, " + clients
                        + " add-clients at " + rate + "/s",
                answers,
                back,
                "the controller's return");
    }

    /**
     * A node's outage, in {@link System#nanoTime()}: killed, started again, answering, and back in every ISR (or given
     * up on after 3 minutes).
     */
    private record Outage(
            int node, String role, long killed, long started, long answering, long inSync, boolean rejoined) {}

    private Outage outage(KafkaCluster kafka, int node, String role) throws InterruptedException {
        long killed = System.nanoTime();
        kafka.node(node).kill();
        say("broker-of-three: " + role + " (node " + node + ") killed");
        pause(NODE_OUTAGE);
        long started = System.nanoTime();
        kafka.node(node).start();
        long answering = System.nanoTime();
        say("broker-of-three: node " + node + " started again");
        boolean rejoined = kafka.awaitFullyReplicated(Duration.ofMinutes(3)).isPresent();
        say("broker-of-three: node " + node + (rejoined ? " back in every ISR" : " NOT back in every ISR"));
        return new Outage(node, role, killed, started, answering, System.nanoTime(), rejoined);
    }

    private void postgres() throws Exception {
        int requests = 400;
        say("postgres: " + requests + " add-clients at 10/s; PostgreSQL stops 10 s in, for 15 s");
        resetSimulators();
        CompletableFuture<List<Answer>> load = load("Chaos Postgres", requests, 10);
        pause(10);
        long down = System.nanoTime();
        scratch.stack.stopPostgres();
        say("postgres: stopped");
        pause(15);
        scratch.stack.startPostgres();
        long up = System.nanoTime();
        say("postgres: started again");
        List<Answer> answers = load.get();

        List<Answer> refused =
                answers.stream().filter(answer -> answer.status() != 200).toList();
        long unavailable = refused.stream()
                .filter(answer -> answer.status() == 503 && answer.body().contains("database_unavailable"))
                .count();
        long slowest = refused.stream().mapToLong(Answer::nanos).max().orElse(0);
        Optional<Answer> firstBack = answers.stream()
                .filter(answer -> answer.status() == 200 && answer.finished() > up)
                .min(java.util.Comparator.comparingLong(Answer::finished));
        long written;
        try (Connection db = ScratchStack.connect(scratch.settings);
                PreparedStatement query = db.prepareStatement("SELECT count(*) FROM clients WHERE name = ANY (?)")) {
            query.setArray(
                    1,
                    db.createArrayOf("text", refused.stream().map(Answer::name).toArray()));
            try (ResultSet count = query.executeQuery()) {
                count.next();
                written = count.getLong(1);
            }
        }
        String note = String.format(
                Locale.ROOT,
                "PostgreSQL down %.1f s: %d of %d requests refused, %d of them 503 "
                        + "`database_unavailable`, the slowest refusal %s; %d refused clients written anyway (half-written); "
                        + "first add-client served %s after PostgreSQL was back, with no service restarted.",
                (up - down) / 1e9,
                refused.size(),
                answers.size(),
                unavailable,
                seconds(slowest),
                written,
                firstBack.map(answer -> seconds(answer.finished() - up)).orElse("never"));
        say("postgres: " + note);
        notes.add("- " + note);
        if (written > 0 || unavailable != refused.size() || firstBack.isEmpty()) {
            allClean = false;
        }
        finish(
                "PostgreSQL stopped for 15 s under " + requests + " add-clients at 10/s",
                answers,
                dbNowAfter(up),
                "PostgreSQL's return");
    }

    private void storms() throws Exception {
        int requests = 100;
        say("storms: Quo answers 429 and Google OVER_QUERY_LIMIT for " + storm + " s; " + requests
                + " add-clients at 10/s");
        resetSimulators();
        scratch.simulator(Settings.QUO_SIMULATOR, "mode", "{\"mode\": \"rate_limited\"}");
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"over_query_limit\"}");
        long started = System.nanoTime();
        List<Answer> answers = load("Chaos Storm", requests, 10).get();
        pause(Math.max(0, storm - (System.nanoTime() - started) / 1_000_000_000L));
        scratch.simulator(Settings.QUO_SIMULATOR, "mode", "{\"mode\": \"ok\"}");
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\"}");
        OffsetDateTime over = dbNow();
        say("storms: over");
        finish(
                "Quo 429 and Google OVER_QUERY_LIMIT for " + storm + " s, " + requests + " add-clients",
                answers,
                over,
                "the storm's end");
        JsonNode google = scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "stats", null);
        JsonNode quo = scratch.simulator(Settings.QUO_SIMULATOR, "stats", null);
        int googlePeak = google.path("max_requests_in_one_second").asInt();
        int quoPeak = quo.path("max_requests_in_one_second").asInt();
        String note = String.format(
                Locale.ROOT,
                "Storm: Google saw %d requests (%s), at most %d in one second "
                        + "(configured %d/s); Quo saw %d requests (%s), at most %d in one second (configured %d/s, its limit 10/s).",
                google.path("requests").asInt(),
                google.path("by_status"),
                googlePeak,
                GOOGLE_QUOTA,
                quo.path("requests").asInt(),
                quo.path("by_status"),
                quoPeak,
                QUO_QUOTA);
        say("storms: " + note);
        notes.add("- " + note);
        if (googlePeak > GOOGLE_QUOTA || quoPeak > QUO_QUOTA) {
            allClean = false;
            notes.add("- **A simulator saw more than the configured rate.**");
        }
    }

    private void workers() throws Exception {
        int requests = 300;
        say("workers: " + requests + " add-clients at 30/s, Distance Matrix 400 ms per request; quo-sync-worker "
                + "SIGKILLed 6 s in and restarted; drive-time-worker-2 added, then stopped");
        resetSimulators();
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 400}");
        try {
            OffsetDateTime start = dbNow();
            CompletableFuture<List<Answer>> load = load("Chaos Workers", requests, 30);
            pause(6);
            ServiceProcess quo = scratch.stack.service("quo-sync-worker");
            quo.kill();
            say("workers: quo-sync-worker killed");
            pause(2);
            ServiceProcess restarted =
                    scratch.stack.startService(Settings.QUO_SYNC_WORKER, quo.port(), "quo-sync-worker", Map.of());
            OffsetDateTime restart = dbNow();
            ServiceProcess second = scratch.stack.startService(
                    Settings.DRIVE_TIME_WORKER, ScratchStack.freePort(), "drive-time-worker-2", Map.of());
            scratch.stack.awaitHealthy(List.of(restarted, second), Duration.ofMinutes(3));
            say("workers: quo-sync-worker restarted, drive-time-worker-2 running");
            pause(15);
            second.requestStop();
            second.awaitStop(Duration.ofSeconds(30));
            say("workers: drive-time-worker-2 stopped");
            List<Answer> answers = load.get();
            finish(
                    "quo-sync-worker SIGKILLed mid-batch and restarted; drive-time-worker-2 added and removed, "
                            + requests + " add-clients",
                    answers,
                    restart,
                    "the restart");
            whereTheTimeWent(answers, start, restart);
        } finally {
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 0}");
        }
    }

    /**
     * What bounds the workers scenario's end: Quo's quota (every sync_quo task needs its calls, ten a second for the key
     * whatever the number of workers) against the kill. Quo's floor is the time its calls need at the quota from the first
     * add-client on; drive-time tasks have no such bound.
     */
    private void whereTheTimeWent(List<Answer> answers, OffsetDateTime start, OffsetDateTime restart) throws Exception {
        List<UUID> tasks =
                answers.stream().flatMap(answer -> answer.tasks().stream()).toList();
        long quoCalls = scratch.simulator(Settings.QUO_SIMULATOR, "stats", null)
                .path("requests")
                .asLong();
        double floor = quoCalls / (double) QUO_QUOTA;
        try (Connection db = ScratchStack.connect(scratch.settings)) {
            say(String.format(
                    Locale.ROOT,
                    "workers: where the time went: Quo answered %d calls; at its quota of %d a "
                            + "second they need %.1f s from the first add-client, so without any kill the last sync_quo task "
                            + "could not end before %.1f s after the restart; it ended %s after it. The last drive-time task "
                            + "(no quota) ended %s after the restart.",
                    quoCalls,
                    QUO_QUOTA,
                    floor,
                    floor - Duration.between(start, restart).toMillis() / 1000.0,
                    secondsAfter(db, "max", tasksOf(db, tasks, "sync_quo"), restart),
                    secondsAfter(db, "max", tasksOf(db, tasks, "calculate_drive_times"), restart)));
        }
    }

    private static List<UUID> tasksOf(Connection db, List<UUID> tasks, String type) throws SQLException {
        try (PreparedStatement query =
                db.prepareStatement("SELECT id FROM background_tasks WHERE id = ANY (?) AND task_type = ?")) {
            query.setArray(1, db.createArrayOf("uuid", tasks.toArray()));
            query.setString(2, type);
            List<UUID> ofType = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    ofType.add(result.getObject(1, UUID.class));
                }
            }
            return ofType;
        }
    }

    // ---------------------------------------------------------------- the check every scenario ends with

    private void finish(String scenario, List<Answer> answers, OffsetDateTime faultOver, String event)
            throws Exception {
        List<UUID> tasks =
                answers.stream().flatMap(answer -> answer.tasks().stream()).toList();
        try (Connection db = ScratchStack.connect(scratch.settings)) {
            TaskAudit audit =
                    new TaskAudit(db, scratch.settings.kafkaBootstrap(), scratch.settings.url(Settings.QUO_SIMULATOR));
            say("checking " + tasks.size() + " tasks");
            Optional<Duration> drained = audit.awaitTerminal(tasks, Duration.ofMinutes(20));
            TaskAudit.Result result = audit.audit(tasks);
            String recovery = drained.isEmpty()
                    ? "NOT all done within 20 min"
                    : "first task completed " + secondsAfter(db, "min", tasks, faultOver) + " after " + event
                            + ", the last " + secondsAfter(db, "max", tasks, faultOver) + " after it";
            long ok = answers.stream().filter(answer -> answer.status() == 200).count();
            String statuses = answers.stream()
                    .collect(java.util.stream.Collectors.groupingBy(
                            Answer::status, java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                    .toString();
            rows.add(String.format(
                    "| %s | %d | %s | %d | %d | %d | %d | %d | %s |",
                    scenario,
                    answers.size(),
                    ok == answers.size() ? "all 200" : statuses,
                    result.tasks(),
                    result.completed(),
                    result.failed(),
                    result.missing(),
                    result.conflicting() + result.contactsTwice(),
                    recovery));
            say(scenario + ": " + result.summary() + "; " + recovery);
            notes.add("- " + scenario + ": " + result.summary() + ".");
            result.failures().forEach(failure -> say("  failed: " + failure));
            if (!result.clean() || drained.isEmpty()) {
                allClean = false;
            }
        }
    }

    /** The first ({@code min}) or last ({@code max}) moment one of the tasks finished, in seconds after {@code after}. */
    private static String secondsAfter(Connection db, String which, List<UUID> tasks, OffsetDateTime after)
            throws SQLException {
        try (PreparedStatement query = db.prepareStatement(
                "SELECT extract(epoch FROM " + which + "(coalesce(completed_at, "
                        + "failed_at)) - ?) FROM background_tasks WHERE id = ANY (?) AND coalesce(completed_at, failed_at) > ?")) {
            Array ids = db.createArrayOf("uuid", tasks.toArray());
            query.setObject(1, after);
            query.setArray(2, ids);
            query.setObject(3, after);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                double seconds = result.getDouble(1);
                return result.wasNull()
                        ? "never (all were done before)"
                        : String.format(Locale.ROOT, "%.1f s", seconds);
            }
        }
    }

    // ---------------------------------------------------------------- load

    /**
     * @param finished when the answer arrived ({@link System#nanoTime()}); {@code nanos} is measured from when the
     *                 request was due
     */
    private record Answer(String name, int status, String body, long nanos, long finished, List<UUID> tasks) {}

    /** Sends {@code count} add-clients at {@code rate} per second, open loop, and collects every answer. */
    private CompletableFuture<List<Answer>> load(String prefix, int count, int rate) {
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < count; i++) {
            long due = start + i * interval;
            String name = prefix + " " + i;
            CompletableFuture<Void> call = new CompletableFuture<>();
            calls.add(call);
            clock.schedule(
                    () -> ScratchStack.HTTP
                            .sendAsync(
                                    scratch.addClientRequest(name, ScratchStack.address()),
                                    HttpResponse.BodyHandlers.ofString())
                            .whenComplete((response, error) -> {
                                long now = System.nanoTime();
                                answers.add(
                                        error != null
                                                ? new Answer(name, 0, String.valueOf(error), now - due, now, List.of())
                                                : new Answer(
                                                        name,
                                                        response.statusCode(),
                                                        response.body(),
                                                        now - due,
                                                        now,
                                                        taskIds(response)));
                                call.complete(null);
                            }),
                    due - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        }
        clock.shutdown();
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(done -> {
            say(prefix + ": " + answers.size() + " requests answered");
            return List.copyOf(answers);
        });
    }

    private static List<UUID> taskIds(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return List.of();
        }
        List<UUID> ids = new ArrayList<>();
        Http.JSON.readTree(response.body()).path("task_ids").forEach(id -> ids.add(UUID.fromString(id.asString())));
        return ids;
    }

    // ---------------------------------------------------------------- helpers

    private void resetSimulators() throws java.io.IOException {
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "reset", null);
        scratch.simulator(Settings.QUO_SIMULATOR, "reset", null);
    }

    /** On a connection of its own: the stack's shared one does not survive the PostgreSQL scenario. */
    private OffsetDateTime dbNow() throws SQLException {
        try (Connection db = ScratchStack.connect(scratch.settings)) {
            return ScratchStack.now(db);
        }
    }

    /** The database's clock at the moment {@code nanoTime} stood at {@code at} (earlier, on this machine). */
    private OffsetDateTime dbNowAfter(long at) throws SQLException {
        return dbNow().minusNanos(System.nanoTime() - at);
    }

    private static void pause(long seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000);
    }

    private static String milliseconds(long nanos) {
        return String.format(Locale.ROOT, "%d ms", nanos / 1_000_000);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    private void say(String message) {
        System.err.println(String.format("%-18s| ", "chaos") + message);
    }
}
