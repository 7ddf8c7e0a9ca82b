package dev.tasklane.cli;

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

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

@Command(name = "chaos", mixinStandardHelpOptions = true,
        header = "Breaks a Tasklane stack of its own on purpose and checks that nothing was lost or duplicated.",
        description = {"Starts a stack like ./tasklane bench does (fresh data under target/chaos-*, free ports,",
                "simulators), then runs each scenario (--only, comma-separated):",
                "  broker    the Kafka broker SIGKILLed for --outage seconds while --clients add-clients arrive",
                "  postgres  PostgreSQL stopped for 15 s while the gateway takes add-clients",
                "  storms    Quo answers 429 and Google OVER_QUERY_LIMIT for --storm seconds while clients arrive",
                "  workers   a quo-sync-worker SIGKILLed mid-batch and restarted; a second drive-time-worker added",
                "            and removed mid-run",
                "Each scenario ends by checking every task it requested: one terminal state each, no client with two",
                "Quo contacts, one drive-time row per driver and client. Exit code 1 if any check failed.",
                "The figures go into docs/benchmarks.md."})
final class ChaosCommand implements Callable<Integer> {

    private static final Set<String> SCENARIOS = Set.of("broker", "postgres", "storms", "workers");
    /** What the stack is configured to send each API at most, checked against what the simulators saw. */
    private static final int GOOGLE_QUOTA = 20;
    private static final int QUO_QUOTA = 10;
    private static final int DRIVERS = 3;

    @Option(names = "--only", split = ",", paramLabel = "<name>",
            description = "which scenarios (default: all): broker, postgres, storms, workers")
    List<String> only = List.of("broker", "postgres", "storms", "workers");

    @Option(names = "--clients", defaultValue = "1000",
            description = "add-clients in flight while the broker is down (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--outage", defaultValue = "30", description = "seconds the broker stays down (default: ${DEFAULT-VALUE})")
    int outage;

    @Option(names = "--storm", defaultValue = "60",
            description = "seconds Quo and Google refuse every request (default: ${DEFAULT-VALUE})")
    int storm;

    private final PrintStream out = System.out;
    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private ScratchStack scratch;
    private boolean allClean = true;

    @Override
    public Integer call() throws Exception {
        for (String name : only) {
            if (!SCENARIOS.contains(name)) {
                throw new CliException("--only takes broker, postgres, storms or workers, not '" + name + "'.");
            }
        }
        if (clients < 1 || outage < 1 || storm < 1) {
            throw new CliException("--clients, --outage and --storm must be at least 1.");
        }
        scratch = ScratchStack.start("chaos", Map.of("GOOGLE_MAPS_QUOTA_PER_SECOND", String.valueOf(GOOGLE_QUOTA),
                "TASKLANE_QUO_QUOTA_PER_SECOND", String.valueOf(QUO_QUOTA)));
        try {
            scratch.activeDrivers(DRIVERS);
            for (String name : only) {
                switch (name) {
                    case "broker" -> broker();
                    case "postgres" -> postgres();
                    case "storms" -> storms();
                    default -> workers();
                }
            }
            out.println();
            out.println("For docs/benchmarks.md (" + Instant.now().toString().substring(0, 10) + ", "
                    + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version") + "):");
            out.println("| scenario | requests | answers | tasks | completed | failed | lost | duplicated | recovery |");
            out.println("|---|---:|---|---:|---:|---:|---:|---:|---|");
            rows.forEach(out::println);
            out.println();
            notes.forEach(out::println);
            out.println();
            out.println(allClean ? "Every scenario: nothing lost, nothing duplicated, nothing failed."
                    : "AT LEAST ONE SCENARIO LOST, DUPLICATED OR FAILED TASKS: see the rows above.");
            return allClean ? 0 : 1;
        }
        finally {
            scratch.close();
        }
    }

    // ---------------------------------------------------------------- scenarios

    private void broker() throws Exception {
        say("broker: " + clients + " add-clients at 40/s; the Kafka broker is SIGKILLed 5 s in, for " + outage + " s");
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
        finish("Kafka broker SIGKILLed for " + outage + " s, " + clients + " add-clients through the gateway", answers,
                back, "the broker's return");
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

        List<Answer> refused = answers.stream().filter(answer -> answer.status() != 200).toList();
        long unavailable = refused.stream().filter(answer -> answer.status() == 503
                && answer.body().contains("database_unavailable")).count();
        long slowest = refused.stream().mapToLong(Answer::nanos).max().orElse(0);
        Optional<Answer> firstBack = answers.stream().filter(answer -> answer.status() == 200 && answer.finished() > up)
                .min(java.util.Comparator.comparingLong(Answer::finished));
        long written;
        try (Connection db = ScratchStack.connect(scratch.settings);
                PreparedStatement query = db.prepareStatement("SELECT count(*) FROM clients WHERE name = ANY (?)")) {
            query.setArray(1, db.createArrayOf("text", refused.stream().map(Answer::name).toArray()));
            try (ResultSet count = query.executeQuery()) {
                count.next();
                written = count.getLong(1);
            }
        }
        String note = String.format(Locale.ROOT, "PostgreSQL down %.1f s: %d of %d requests refused, %d of them 503 "
                + "`database_unavailable`, the slowest refusal %s; %d refused clients written anyway (half-written); "
                + "first add-client served %s after PostgreSQL was back, with no service restarted.",
                (up - down) / 1e9, refused.size(), answers.size(), unavailable, seconds(slowest), written,
                firstBack.map(answer -> seconds(answer.finished() - up)).orElse("never"));
        say("postgres: " + note);
        notes.add("- " + note);
        if (written > 0 || unavailable != refused.size() || firstBack.isEmpty()) {
            allClean = false;
        }
        finish("PostgreSQL stopped for 15 s under " + requests + " add-clients at 10/s", answers,
                dbNowAfter(up), "PostgreSQL's return");
    }

    private void storms() throws Exception {
        int requests = 100;
        say("storms: Quo answers 429 and Google OVER_QUERY_LIMIT for " + storm + " s; " + requests + " add-clients at 10/s");
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
        finish("Quo 429 and Google OVER_QUERY_LIMIT for " + storm + " s, " + requests + " add-clients", answers, over,
                "the storm's end");
        JsonNode google = scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "stats", null);
        JsonNode quo = scratch.simulator(Settings.QUO_SIMULATOR, "stats", null);
        int googlePeak = google.path("max_requests_in_one_second").asInt();
        int quoPeak = quo.path("max_requests_in_one_second").asInt();
        String note = String.format(Locale.ROOT, "Storm: Google saw %d requests (%s), at most %d in one second "
                + "(configured %d/s); Quo saw %d requests (%s), at most %d in one second (configured %d/s, its limit 10/s).",
                google.path("requests").asInt(), google.path("by_status"), googlePeak, GOOGLE_QUOTA,
                quo.path("requests").asInt(), quo.path("by_status"), quoPeak, QUO_QUOTA);
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
            CompletableFuture<List<Answer>> load = load("Chaos Workers", requests, 30);
            pause(6);
            ServiceProcess quo = scratch.stack.service("quo-sync-worker");
            quo.kill();
            say("workers: quo-sync-worker killed");
            pause(2);
            ServiceProcess restarted = scratch.stack.startService(Settings.QUO_SYNC_WORKER, quo.port(),
                    "quo-sync-worker", Map.of());
            OffsetDateTime restart = dbNow();
            ServiceProcess second = scratch.stack.startService(Settings.DRIVE_TIME_WORKER, ScratchStack.freePort(),
                    "drive-time-worker-2", Map.of());
            scratch.stack.awaitHealthy(List.of(restarted, second), Duration.ofMinutes(3));
            say("workers: quo-sync-worker restarted, drive-time-worker-2 running");
            pause(15);
            second.requestStop();
            second.awaitStop(Duration.ofSeconds(30));
            say("workers: drive-time-worker-2 stopped");
            List<Answer> answers = load.get();
            finish("quo-sync-worker SIGKILLed mid-batch and restarted; drive-time-worker-2 added and removed, "
                    + requests + " add-clients", answers, restart, "the restart");
        }
        finally {
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 0}");
        }
    }

    // ---------------------------------------------------------------- the check every scenario ends with

    private void finish(String scenario, List<Answer> answers, OffsetDateTime faultOver, String event) throws Exception {
        List<UUID> tasks = answers.stream().flatMap(answer -> answer.tasks().stream()).toList();
        try (Connection db = ScratchStack.connect(scratch.settings)) {
            TaskAudit audit = new TaskAudit(db, scratch.settings.kafkaBootstrap(), scratch.settings.url(Settings.QUO_SIMULATOR));
            say("checking " + tasks.size() + " tasks");
            Optional<Duration> drained = audit.awaitTerminal(tasks, Duration.ofMinutes(20));
            TaskAudit.Result result = audit.audit(tasks);
            String recovery = drained.isEmpty() ? "NOT all done within 20 min"
                    : "first task completed " + secondsAfter(db, "min", tasks, faultOver) + " after " + event
                            + ", the last " + secondsAfter(db, "max", tasks, faultOver) + " after it";
            long ok = answers.stream().filter(answer -> answer.status() == 200).count();
            String statuses = answers.stream().collect(java.util.stream.Collectors.groupingBy(Answer::status,
                    java.util.TreeMap::new, java.util.stream.Collectors.counting())).toString();
            rows.add(String.format("| %s | %d | %s | %d | %d | %d | %d | %d | %s |", scenario, answers.size(),
                    ok == answers.size() ? "all 200" : statuses, result.tasks(), result.completed(), result.failed(),
                    result.missing(), result.conflicting() + result.contactsTwice(), recovery));
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
        try (PreparedStatement query = db.prepareStatement("SELECT extract(epoch FROM " + which + "(coalesce(completed_at, "
                + "failed_at)) - ?) FROM background_tasks WHERE id = ANY (?) AND coalesce(completed_at, failed_at) > ?")) {
            Array ids = db.createArrayOf("uuid", tasks.toArray());
            query.setObject(1, after);
            query.setArray(2, ids);
            query.setObject(3, after);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                double seconds = result.getDouble(1);
                return result.wasNull() ? "never (all were done before)" : String.format(Locale.ROOT, "%.1f s", seconds);
            }
        }
    }

    // ---------------------------------------------------------------- load

    /**
     * @param finished when the answer arrived ({@link System#nanoTime()}); {@code nanos} is measured from when the
     *                 request was due
     */
    private record Answer(String name, int status, String body, long nanos, long finished, List<UUID> tasks) {
    }

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
            clock.schedule(() -> ScratchStack.HTTP.sendAsync(scratch.addClientRequest(name, ScratchStack.address()),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                        long now = System.nanoTime();
                        answers.add(error != null ? new Answer(name, 0, String.valueOf(error), now - due, now, List.of())
                                : new Answer(name, response.statusCode(), response.body(), now - due, now,
                                        taskIds(response)));
                        call.complete(null);
                    }), due - System.nanoTime(), TimeUnit.NANOSECONDS);
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

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    private void say(String message) {
        System.err.println(String.format("%-18s| ", "chaos") + message);
    }
}
