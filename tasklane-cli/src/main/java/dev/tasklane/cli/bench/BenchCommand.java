package dev.tasklane.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import dev.tasklane.cli.CliException;
import dev.tasklane.cli.Http;
import dev.tasklane.cli.Tokens;
import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.BrokersOption;
import dev.tasklane.cli.stack.LocalStack;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.cli.stack.ServiceProcess;
import dev.tasklane.cli.stack.Settings;
import dev.tasklane.cli.status.StatusCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        header = "Measures Tasklane on this machine and prints the figures.",
        description = {
            "Starts a Tasklane stack of its own (fresh data under target/bench-*, free ports, simulators for",
            "Google and Quo), runs the benchmarks and prints their figures, then stops it. It does not touch a",
            "stack ./tasklane up runs. Benchmarks (--only, comma-separated): idle (each part's CPU and memory with",
            "no work), floor (the same Kafka records and database rows per task as the pipeline, written with a plain",
            "producer, plain consumers and batched JDBC: the machine's floor for the pipeline), google, async,",
            "latency, pipeline, notify, streams (--streams open /task-events streams, ten per person, on one",
            "gateway: add-client p99 and health with and without them, each stream's failure, a mass disconnect).",
            "The latency,",
            "pipeline and burst runs also print their top PostgreSQL statements (pg_stat_statements) and Kafka",
            "records and bytes per task. The figures go into docs/benchmarks.md with the date and the machine.",
            "A short run: --only floor,pipeline --tasks 500 --burst 0 --floor-tasks 5000."
        })
public final class BenchCommand implements Callable<Integer> {

    /**
     * In the order they run, whatever order --only names them: the floor first, while the stack is idle (later ones
     * leave the Quo worker a backlog that its rate limit takes many minutes to work off).
     */
    static final List<String> BENCHMARKS =
            List.of("idle", "floor", "google", "async", "latency", "pipeline", "notify", "streams");

    /**
     * What docs/benchmarks.md states the bench's PostgreSQL runs with, set explicitly (zonky sets only the first two by
     * default), and the statement statistics the bench prints.
     */
    static final Map<String, String> POSTGRES_SETTINGS = Map.of(
            "fsync",
            "off",
            "synchronous_commit",
            "off",
            "full_page_writes",
            "off",
            "shared_preload_libraries",
            "pg_stat_statements");

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "<name>",
            description = "which benchmarks (default: all), run in this order: idle, floor, google, async, latency, "
                    + "pipeline, notify")
    List<String> only = BENCHMARKS;

    @Option(names = "--seconds", defaultValue = "10", description = "seconds per load step (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(
            names = "--tasks",
            defaultValue = "2000",
            description = "tasks per throughput run (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(
            names = "--burst",
            defaultValue = "10000",
            description = "tasks in the burst whose draining lag is sampled; 0 skips it (default: ${DEFAULT-VALUE})")
    int burst;

    @Option(
            names = "--drive-time-consumers",
            defaultValue = "2",
            description =
                    "consumer threads per drive-time worker (TASKLANE_DRIVE_TIME_CONSUMERS; default: ${DEFAULT-VALUE})")
    int driveTimeConsumers;

    @Option(
            names = "--failures",
            defaultValue = "200",
            description = "failures timed to their notification (default: ${DEFAULT-VALUE})")
    int failures;

    @Option(
            names = "--streams",
            defaultValue = "10000",
            description =
                    "open /task-events streams for the streams benchmark, ten per person (default: ${DEFAULT-VALUE})")
    int streams;

    @Option(
            names = "--floor-tasks",
            defaultValue = "10000",
            description = "tasks per floor run (default: ${DEFAULT-VALUE})")
    int floorTasks;

    @Mixin
    BrokersOption brokers = new BrokersOption();

    static final String BENCH_PART = "bench client and simulators";

    private final PrintStream out = System.out;
    private final List<String> report = new ArrayList<>();
    private final List<String> cpuNotes = new ArrayList<>();
    private final List<String> workNotes = new ArrayList<>();
    private final Map<Integer, Double> pipelineRates = new LinkedHashMap<>();
    private Double floorRate;
    private Admin admin;
    private ScratchStack scratch;
    private LocalStack stack;
    private Settings settings;
    private String gateway;
    private String user;
    private Connection db;
    private int round;

    @Override
    public Integer call() throws Exception {
        for (String name : only) {
            if (!BENCHMARKS.contains(name)) {
                throw new CliException(
                        "--only takes idle, floor, google, async, latency, pipeline, notify or streams, not '" + name
                                + "'.");
            }
        }
        if (tasks < 1 || floorTasks < 1) {
            throw new CliException("--tasks and --floor-tasks must be at least 1.");
        }
        int brokerCount = brokers.orElse(1);
        // the simulator has no quota: let the drive-time worker go as fast as the machine allows
        scratch = ScratchStack.start(
                "bench",
                brokerCount,
                Map.of(
                        "GOOGLE_MAPS_QUOTA_PER_SECOND",
                        "10000",
                        "TASKLANE_DRIVE_TIME_CONSUMERS",
                        String.valueOf(driveTimeConsumers)),
                POSTGRES_SETTINGS);
        stack = scratch.stack;
        settings = scratch.settings;
        gateway = scratch.gateway;
        user = scratch.user;
        db = scratch.db;
        try {
            PgStatements.enable(db);
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap()));
            header();
            for (String name : BENCHMARKS.stream().filter(only::contains).toList()) {
                switch (name) {
                    case "google" -> google();
                    case "async" -> asyncVersusSynchronous();
                    case "latency" -> latencyUnderLoad();
                    case "pipeline" -> pipeline();
                    case "floor" -> floor();
                    case "idle" -> idle();
                    case "streams" -> new StreamBenchmark(scratch, this::say, streams, Math.max(seconds, 20)).run();
                    default -> notification();
                }
            }
            if (floorRate != null && !pipelineRates.isEmpty()) {
                say("");
                pipelineRates.forEach((workers, rate) -> say(String.format(
                        Locale.ROOT,
                        "Pipeline = %.1f %% of the floor " + "with %d drive-time worker(s): %.0f tasks/s against %.0f.",
                        100 * rate / floorRate,
                        workers,
                        rate,
                        floorRate)));
            }
            out.println();
            out.println("For docs/benchmarks.md:");
            report.forEach(out::println);
            return 0;
        } finally {
            if (admin != null) {
                admin.close();
            }
            scratch.close();
        }
    }

    private void header() throws SQLException {
        String line = "Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB max heap for the bench JVM, Java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + "; date "
                + Instant.now().toString().substring(0, 10) + ".";
        out.println(line);
        report.add(line);
        List<String> shown = new ArrayList<>();
        for (String setting : List.of(
                "server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_preload_libraries")) {
            try (Statement statement = db.createStatement();
                    ResultSet value = statement.executeQuery("SHOW " + setting)) {
                value.next();
                shown.add(setting + "=" + value.getString(1));
            }
        }
        say("PostgreSQL in effect (SHOW): " + String.join(", ", shown) + ".");
    }

    private void say(String text) {
        out.println(text);
        report.add(text);
    }

    // ---------------------------------------------------------------- idle

    /** What each part costs doing nothing: its CPU over 30 s with no request, and each process's resident memory. */
    private void idle() throws Exception {
        say("");
        say("### Idle: each part of the stack with no work for 30 s, after start-up");
        say("| part | CPU, % of one core | resident memory |");
        say("|---|---:|---:|");
        Map<String, Long> before = cpu();
        long started = System.nanoTime();
        Thread.sleep(30_000);
        Map<String, Long> spent = spent(before, cpu());
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> resident = residentMegabytes();
        spent.forEach((part, nanos) -> say(String.format(
                Locale.ROOT,
                "| %s | %.2f %% | %s |",
                part,
                100.0 * nanos / 1e9 / seconds,
                resident.containsKey(part) ? resident.get(part) + " MB" : "— (shared buffers: not one process's)")));
    }

    /** Resident memory of each JVM of the stack (Linux's VmRSS), by part; PostgreSQL's backends share theirs. */
    private Map<String, Long> residentMegabytes() {
        Map<String, Long> resident = byJvm(BenchCommand::residentMegabytes);
        resident.put(BENCH_PART, residentMegabytes(ProcessHandle.current()));
        return resident;
    }

    /** {@code measure} of each service (instances of one summed) and of the Kafka brokers (summed), by part. */
    private Map<String, Long> byJvm(ToLongFunction<ProcessHandle> measure) {
        Map<String, Long> parts = new LinkedHashMap<>();
        for (ServiceProcess service : stack.services()) {
            if (service.alive()) {
                parts.merge(service.name().replaceAll("-\\d+$", ""), measure.applyAsLong(service.handle()), Long::sum);
            }
        }
        stack.kafka()
                .nodes()
                .forEach(node ->
                        node.handle().ifPresent(kafka -> parts.merge("kafka", measure.applyAsLong(kafka), Long::sum)));
        return parts;
    }

    static long residentMegabytes(ProcessHandle process) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024)
                    .orElse(0L);
        } catch (IOException e) {
            return 0L;
        }
    }

    // ---------------------------------------------------------------- google

    private void google() throws Exception {
        say("");
        say("### Google efficiency: Distance Matrix requests per add-client");
        say("| drivers | requests | ceil(drivers/25) | billed elements | old flow (one request per driver) |");
        say("|---|---|---|---|---|");
        for (int drivers : new int[] {10, 60, 200}) {
            scratch.activeDrivers(drivers);
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "reset", null);
            String client = scratch.addClient("Google Bench " + drivers, ScratchStack.address())
                    .path("client_id")
                    .asString();
            awaitTasks(
                    "entity_id = '" + client + "' AND task_type = 'calculate_drive_times'", 1, Duration.ofMinutes(2));
            JsonNode stats = scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "stats", null);
            say(String.format(
                    "| %d | %d | %d | %d | %d |",
                    drivers,
                    stats.path("requests").asInt(),
                    (drivers + 24) / 25,
                    stats.path("elements").asInt(),
                    drivers));
        }
    }

    // ---------------------------------------------------------------- async vs synchronous

    private void asyncVersusSynchronous() throws Exception {
        int drivers = 40;
        List<String> homes = scratch.activeDrivers(drivers);
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 300}");
        scratch.simulator(Settings.QUO_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 200}");
        try {
            long[] old = new long[20];
            for (int i = 0; i < old.length; i++) {
                old[i] = oldSynchronousAddClient("Sync Bench " + i, ScratchStack.address(), homes);
            }
            for (int i = 0; i < 500; i++) {
                scratch.addClient("Warm-up " + i, ScratchStack.address());
            }
            long[] tasklane = new long[200];
            for (int i = 0; i < tasklane.length; i++) {
                long started = System.nanoTime();
                scratch.addClient("Async Bench " + i, ScratchStack.address());
                tasklane[i] = System.nanoTime() - started;
            }
            Arrays.sort(old);
            Arrays.sort(tasklane);
            say("");
            say("### Add-client: the old synchronous flow against Tasklane (" + drivers + " drivers, Distance Matrix "
                    + "300 ms, Quo 200 ms per call)");
            say("| flow | samples | p50 | p99 |");
            say("|---|---|---|---|");
            say(String.format(
                    "| old: insert, then one Distance Matrix call per driver and the Quo calls, waiting | %d | %s | %s |",
                    old.length, ms(percentile(old, 50)), ms(percentile(old, 99))));
            say(String.format(
                    "| Tasklane: the client and its outbox rows in one statement, answer | %d | %s | %s |",
                    tasklane.length, ms(percentile(tasklane, 50)), ms(percentile(tasklane, 99))));
            say(String.format(
                    "Old p50 / Tasklane p99 = %.0f× (target: at least 1000×).",
                    (double) percentile(old, 50) / percentile(tasklane, 99)));
        } finally {
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 0}");
            scratch.simulator(Settings.QUO_SIMULATOR, "mode", "{\"mode\": \"ok\", \"latency_ms\": 0}");
        }
    }

    /** The old web app's add-client: insert, then Google once per driver, then Quo, all before answering. */
    private long oldSynchronousAddClient(String name, String address, List<String> homes) throws Exception {
        long started = System.nanoTime();
        UUID id = UUID.randomUUID();
        try (PreparedStatement insert =
                db.prepareStatement("INSERT INTO clients (id, name, address) VALUES (?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, name);
            insert.setString(3, address);
            insert.executeUpdate();
        }
        String google = settings.url(Settings.DISTANCE_MATRIX_SIMULATOR) + "/maps/api/distancematrix/json?key="
                + Settings.GOOGLE_SIMULATOR_KEY + "&destinations=" + URLEncoder.encode(address, StandardCharsets.UTF_8)
                + "&origins=";
        for (String home : homes) {
            send(HttpRequest.newBuilder(URI.create(google + URLEncoder.encode(home, StandardCharsets.UTF_8)))
                    .GET());
        }
        String quo = settings.url(Settings.QUO_SIMULATOR);
        send(HttpRequest.newBuilder(URI.create(quo + "/v1/contacts?externalIds=" + id + "&maxResults=1"))
                .header("Authorization", Settings.QUO_SIMULATOR_KEY)
                .GET());
        send(HttpRequest.newBuilder(URI.create(quo + "/v1/contacts"))
                .header("Authorization", Settings.QUO_SIMULATOR_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"defaultFields\": {\"firstName\": \"" + name + "\"}, \"externalId\": \"" + id + "\"}")));
        return System.nanoTime() - started;
    }

    // ---------------------------------------------------------------- latency under load

    private void latencyUnderLoad() throws Exception {
        scratch.activeDrivers(3);
        long[] floor = new long[500];
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO clients (name, address) VALUES (?, ?)")) {
            for (int i = 0; i < floor.length; i++) {
                long started = System.nanoTime();
                insert.setString(1, "Floor " + i);
                insert.setString(2, ScratchStack.address());
                insert.executeUpdate();
                floor[i] = System.nanoTime() - started;
            }
        }
        Arrays.sort(floor);
        say("");
        say("### Gateway under load: add-client at a steady rate for " + seconds + " s per step (open loop)");
        say("| rate (requests/s) | achieved (answers/s) | p50 | p95 | p99 | errors |");
        say("|---|---|---|---|---|---|");
        // a minute of warm-up at 50/s first: the JIT compilers of seven JVMs are done before anything is measured
        load(50, 60, false);
        Measured measured = startMeasuring();
        int requests = 0;
        for (int rate : new int[] {50, 100, 200}) {
            load(rate, seconds, true);
            requests += rate * seconds;
        }
        say(String.format(
                "Bare-insert floor (one INSERT INTO clients, autocommit, one connection): p50 %s, p99 %s.",
                ms(percentile(floor, 50)), ms(percentile(floor, 99))));
        work(
                        "during the three measured steps, per add-client request (each queues a drive-time and a Quo task, "
                                + "worked on meanwhile)",
                        measured,
                        requests,
                        "request")
                .forEach(this::say);
    }

    private void load(int rate, int seconds, boolean reported) throws Exception {
        Load.Result result = Load.addClients(scratch, rate, seconds);
        if (reported) {
            say(String.format(
                    "| %d | %.0f | %s | %s | %s | %d |",
                    rate, result.achieved(), ms(result.p50()), ms(result.p95()), ms(result.p99()), result.errors()));
        }
    }

    // ---------------------------------------------------------------- pipeline throughput

    private void pipeline() throws Exception {
        scratch.activeDrivers(3);
        List<UUID> clients = scratch.insertClients(tasks);
        say("");
        say("### Pipeline: drive-time tasks from request to `completed` in the ledger (simulators at zero latency)");
        say("| drive-time workers | tasks | seconds | tasks/s | seconds to send the requests | worker time per task |");
        say("|---|---|---|---|---|---|");
        List<UUID> warmUp = clients.subList(0, Math.min(500, clients.size()));
        List<Integer> one = List.of(settings.port(Settings.DRIVE_TIME_WORKER));
        // a round of warm-up first, so the figures are not the JIT compilers' work in every process
        throughput(warmUp, one, false);
        throughput(clients, one, true);
        ServiceProcess second = stack.startService(
                Settings.DRIVE_TIME_WORKER, ScratchStack.freePort(), "drive-time-worker-2", Map.of());
        stack.awaitHealthy(List.of(second), Duration.ofMinutes(2));
        awaitTwoConsumers();
        List<Integer> two = List.of(settings.port(Settings.DRIVE_TIME_WORKER), second.port());
        // the second instance's JVM has compiled nothing yet: a whole round to warm it up, not 500 tasks
        throughput(clients, two, false);
        throughput(clients, two, true);
        cpuNotes.forEach(this::say);
        workNotes.forEach(this::say);
        if (burst <= 0) {
            return;
        }

        List<UUID> burstClients = scratch.insertClients(burst / 2);
        say("");
        say("### Consumer lag of `drive-time-worker` while a burst of " + burstClients.size() * 2
                + " tasks drains (two instances)");
        say("| second | lag (records) |");
        say("|---|---|");
        Instant started = Instant.now();
        Measured measured = startMeasuring();
        Thread sender = new Thread(
                () -> {
                    try {
                        updateAddresses(burstClients);
                        updateAddresses(burstClients);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                "burst");
        sender.start();
        long lag;
        int elapsed = 0;
        do {
            Thread.sleep(2000);
            elapsed += 2;
            lag = StatusCommand.lag(settings.kafkaBootstrap())
                    .getOrDefault("drive-time-worker", Map.of())
                    .getOrDefault("task.requested.calculate_drive_times", 0L);
            say("| " + elapsed + " | " + lag + " |");
        } while ((sender.isAlive() || lag > 0)
                && Duration.between(started, Instant.now()).toMinutes() < 10);
        sender.join();
        work("during the burst, until the drive-time worker's lag was 0", measured, burstClients.size() * 2, "task")
                .forEach(this::say);
    }

    private void throughput(List<UUID> clients, List<Integer> workers, boolean reported) throws Exception {
        awaitNoDriveTimeLag();
        round++;
        Measured measured = reported ? startMeasuring() : null;
        double[] before = workerTime(workers);
        Map<String, Long> cpuBefore = cpu();
        Instant started = Instant.now();
        Timestamped sent = updateAddresses(clients);
        double sending = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        awaitTasks(
                "task_type = 'calculate_drive_times' AND created_at >= '" + sent.from() + "'",
                clients.size(),
                Duration.ofMinutes(10));
        double elapsed = Duration.between(started, lastCompletion(sent.from())).toMillis() / 1000.0;
        double[] after = workerTime(workers);
        Map<String, Long> cpuAfter = cpu();
        if (!reported) {
            return;
        }
        double perTask = (after[1] - before[1]) / Math.max(1, after[0] - before[0]) * 1000;
        say(String.format(
                Locale.ROOT,
                "| %d | %d | %.1f | %.0f | %.1f | %.1f ms |",
                workers.size(),
                clients.size(),
                elapsed,
                clients.size() / elapsed,
                sending,
                perTask));
        pipelineRates.put(workers.size(), clients.size() / elapsed);
        Map<String, Long> spent = spent(cpuBefore, cpuAfter);
        long total = spent.values().stream().mapToLong(Long::longValue).sum();
        cpuNotes.add(String.format(
                Locale.ROOT,
                "CPU time per task with %d drive-time worker(s), from the start of the "
                        + "requests to the last completion: %s, total %.1f ms; %d CPUs can do at most %.0f tasks/s at that cost.",
                workers.size(),
                perTaskList(spent, clients.size()),
                total / 1e6 / clients.size(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors() * 1e9 * clients.size() / Math.max(1, total)));
        cpuNotes.add(String.format(
                Locale.ROOT,
                "Tasklane's own processes: %.1f ms per task (with %d drive-time "
                        + "worker(s); PostgreSQL, the Kafka broker, the gateway, the ledger and the workers: everything but %s).",
                tasklaneOwn(spent) / 1e6 / clients.size(),
                workers.size(),
                BENCH_PART));
        workNotes.addAll(work(
                "with " + workers.size() + " drive-time worker(s), from the start of the requests to the "
                        + "last completion",
                measured,
                clients.size(),
                "task"));
    }

    /** What each part used between two {@link #cpu()} totals (nanoseconds), in the order of {@code after}. */
    static Map<String, Long> spent(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> spent = new LinkedHashMap<>();
        after.forEach((part, total) -> spent.put(part, total - before.getOrDefault(part, 0L)));
        return spent;
    }

    /** The CPU time of Tasklane's own processes: every part but the bench's load generator and the simulators. */
    static long tasklaneOwn(Map<String, Long> spent) {
        return spent.entrySet().stream()
                .filter(part -> !part.getKey().equals(BENCH_PART))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    static String perTaskList(Map<String, Long> spent, int tasks) {
        List<String> parts = new ArrayList<>();
        spent.forEach((part, used) ->
                parts.add(String.format(Locale.ROOT, "%s %.1f ms", part, used / 1e6 / Math.max(1, tasks))));
        return String.join(", ", parts);
    }

    /** The PostgreSQL statement statistics and Kafka topic totals at the start of a measured run. */
    private record Measured(Map<String, KafkaTraffic.Totals> kafka) {}

    /** Resets pg_stat_statements and notes each topic's totals: call it after the warm-ups, as a run starts. */
    private Measured startMeasuring() throws Exception {
        Map<String, KafkaTraffic.Totals> topics = KafkaTraffic.snapshot(admin);
        PgStatements.reset(db);
        return new Measured(topics);
    }

    /** The top statements and the Kafka traffic since {@code measured}, per {@code unit}, under a heading. */
    private List<String> work(String what, Measured measured, int units, String unit) throws Exception {
        List<String> lines = statements(what, units, unit);
        lines.addAll(traffic(what, measured, units, unit));
        return lines;
    }

    private List<String> statements(String what, int units, String unit) throws SQLException {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Top PostgreSQL statements by execution time, " + what + " (" + units + " " + unit + "s):");
        lines.add("");
        lines.addAll(PgStatements.report(PgStatements.read(db), units, unit));
        return lines;
    }

    private List<String> traffic(String what, Measured measured, int units, String unit) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Kafka records and bytes written per " + unit + ", " + what + " (bytes: growth of the topic's log on "
                + "the broker):");
        lines.add("");
        lines.addAll(KafkaTraffic.report(measured.kafka(), KafkaTraffic.snapshot(admin), units, unit));
        return lines;
    }

    /**
     * CPU time used so far by each part of the stack (nanoseconds): the services, the Kafka broker, PostgreSQL with
     * its backends, and this JVM (the load generator and the simulators).
     */
    private Map<String, Long> cpu() {
        Map<String, Long> used = byJvm(BenchCommand::cpuOf);
        String data = settings.home().resolve("postgres").toString();
        ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(data))
                .forEach(postmaster -> used.merge(
                        "postgres",
                        cpuOf(postmaster)
                                + postmaster
                                        .children()
                                        .mapToLong(BenchCommand::cpuOf)
                                        .sum(),
                        Long::sum));
        used.put(BENCH_PART, cpuOf(ProcessHandle.current()));
        return used;
    }

    private static long cpuOf(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** [tasks handled, seconds spent handling them] summed over the drive-time workers on these ports. */
    private static double[] workerTime(List<Integer> ports) throws IOException {
        double[] sums = new double[2];
        for (int port : ports) {
            JsonNode metric = Http.get("http://127.0.0.1:" + port + "/actuator/metrics/tasklane.worker.tasks", null)
                    .body();
            for (JsonNode measurement : metric.path("measurements")) {
                switch (measurement.path("statistic").asString()) {
                    case "COUNT" -> sums[0] += measurement.path("value").asDouble();
                    case "TOTAL_TIME" -> sums[1] += measurement.path("value").asDouble();
                    default -> {}
                }
            }
        }
        return sums;
    }

    private record Timestamped(OffsetDateTime from) {}

    /** Queues one drive-time task per client by changing its address through the gateway, 16 requests at a time. */
    private Timestamped updateAddresses(List<UUID> clients) throws Exception {
        OffsetDateTime from = scratch.now();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<?>> calls = new ArrayList<>();
        int version = ++round;
        for (UUID client : clients) {
            inFlight.acquire();
            calls.add(ScratchStack.HTTP
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create(gateway + "/update-client"))
                                    .header("Authorization", "Bearer " + user)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"client_id\": \"" + client
                                            + "\", \"address\": \"" + version + " Bench Ave, Springfield, IL\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        return new Timestamped(from);
    }

    /** Earlier benchmarks queue drive-time tasks too: a throughput run starts only once they are done. */
    private void awaitNoDriveTimeLag() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        while (Instant.now().isBefore(deadline)) {
            long lag = StatusCommand.lag(settings.kafkaBootstrap())
                    .getOrDefault("drive-time-worker", Map.of())
                    .getOrDefault("task.requested.calculate_drive_times", 0L);
            if (lag == 0) {
                return;
            }
            System.err.println("bench             | waiting for " + lag + " earlier drive-time tasks to finish");
            Thread.sleep(2000);
        }
        throw new CliException("earlier drive-time tasks were still queued after 15 minutes");
    }

    private void awaitTwoConsumers() throws InterruptedException {
        // the group rebalances onto the new instance; give it the partitions before timing
        Thread.sleep(5000);
    }

    // ---------------------------------------------------------------- the floor

    private void floor() throws Exception {
        List<UUID> drivers = driverIds(scratch.activeDrivers(3).size());
        List<UUID> clients = scratch.insertClients(floorTasks);
        UUID user = Tokens.DEMO_USERS.get("user");
        FloorBenchmark floor = new FloorBenchmark(settings);
        awaitIdle();
        say("");
        say(
                "### Floor: the pipeline's Kafka records and database rows per drive-time task, without Tasklane's services "
                        + "(rest of the stack idle)");
        say("| floor | tasks | seconds | tasks/s | CPU per task |");
        say("|---|---|---|---|---|");
        List<UUID> warmUp = clients.subList(0, Math.min(2000, clients.size()));
        // a round of each first: the JIT compilers of the bench, the broker and the JDBC driver warm up
        runFloor(null, floor.kafka(FloorBenchmark.tasks(warmUp, user)));
        runFloor(null, floor.jdbc(FloorBenchmark.tasks(warmUp, user), drivers));

        Measured kafkaRun = startMeasuring();
        double kafka = runFloor(
                "Kafka: 1 request + 2 status records per task, produced once, read by a worker "
                        + "consumer (requests) and a ledger consumer (both)",
                floor.kafka(FloorBenchmark.tasks(clients, user)));
        List<String> kafkaWork = traffic("the Kafka floor", kafkaRun, clients.size(), "task");
        startMeasuring();
        double jdbc = runFloor(
                "PostgreSQL: per task 1 client update, 1 outbox insert + delete, 1 task insert + 2 "
                        + "updates, 3 drive-time upserts; batches of 500, one connection per CPU",
                floor.jdbc(FloorBenchmark.tasks(clients, user), drivers));
        List<String> jdbcWork = statements("the PostgreSQL floor", clients.size(), "task");

        // the pipeline does both on the same CPUs at the same time: the floor that compares with it is both at once
        List<FloorBenchmark.FloorTask> both = FloorBenchmark.tasks(clients, user);
        double combined;
        try (FloorBenchmark.Prepared kafkaPart = floor.kafka(both);
                FloorBenchmark.Prepared jdbcPart = floor.jdbc(both, drivers)) {
            Map<String, Long> cpuBefore = cpu();
            CompletableFuture<Double> onKafka = CompletableFuture.supplyAsync(() -> timed(kafkaPart));
            CompletableFuture<Double> onPostgres = CompletableFuture.supplyAsync(() -> timed(jdbcPart));
            combined = Math.max(onKafka.get(10, TimeUnit.MINUTES), onPostgres.get(10, TimeUnit.MINUTES));
            // before the connections close: a backend's CPU time is counted only while it runs
            floorRow("both at once (the combined floor)", clients.size(), combined, spent(cpuBefore, cpu()));
        }
        floor.dropTopics();
        floorRate = clients.size() / combined;
        say(String.format(
                Locale.ROOT,
                "Combined floor: %.0f tasks/s, Kafka and PostgreSQL work run at once on the "
                        + "same CPUs, as in the pipeline (alone: Kafka %.0f, PostgreSQL %.0f tasks/s; the slower of the two "
                        + "alone would overstate it, each having had every CPU to itself).",
                floorRate,
                clients.size() / kafka,
                clients.size() / jdbc));
        kafkaWork.forEach(this::say);
        jdbcWork.forEach(this::say);
    }

    /** Runs a prepared floor and prints its row, unless {@code name} is null (a warm-up); returns its seconds. */
    private double runFloor(String name, FloorBenchmark.Prepared prepared) throws Exception {
        try (prepared) {
            Map<String, Long> before = cpu();
            double seconds = prepared.run();
            Map<String, Long> after = cpu();
            if (name != null) {
                floorRow(name, floorTasks, seconds, spent(before, after));
            }
            return seconds;
        }
    }

    private void floorRow(String name, int count, double seconds, Map<String, Long> spent) {
        spent.values().removeIf(used -> used / 1e6 / count < 0.05);
        say(String.format(
                Locale.ROOT,
                "| %s | %d | %.2f | %.0f | %s; total %.2f ms |",
                name,
                count,
                seconds,
                count / seconds,
                perTaskList(spent, count).replace(" ms", ""),
                spent.values().stream().mapToLong(Long::longValue).sum() / 1e6 / count));
    }

    private static double timed(FloorBenchmark.Prepared prepared) {
        try {
            return prepared.run();
        } catch (Exception e) {
            throw new IllegalStateException("a floor run failed: " + e.getMessage(), e);
        }
    }

    private List<UUID> driverIds(int count) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id FROM drivers WHERE active ORDER BY id")) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
        }
        if (ids.size() != count) {
            throw new CliException("expected " + count + " active drivers, found " + ids.size());
        }
        return ids;
    }

    /** The floor runs with the rest of the stack idle: every consumer group has read everything first. */
    private void awaitIdle() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        while (Instant.now().isBefore(deadline)) {
            long lag = StatusCommand.lag(settings.kafkaBootstrap()).values().stream()
                    .flatMap(topics -> topics.values().stream())
                    .mapToLong(Long::longValue)
                    .sum();
            if (lag == 0) {
                return;
            }
            System.err.println("bench             | waiting for " + lag + " earlier records to be consumed");
            Thread.sleep(2000);
        }
        throw new CliException("earlier tasks were still queued after 15 minutes");
    }

    // ---------------------------------------------------------------- failure to notification

    private void notification() throws Exception {
        scratch.activeDrivers(3);
        List<Long> delays = new ArrayList<>();
        HttpRequest stream = HttpRequest.newBuilder(URI.create(gateway + "/task-events?access_token=" + user))
                .header("Accept", "text/event-stream")
                .build();
        HttpResponse<java.io.InputStream> response =
                ScratchStack.HTTP.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> readFailures(response, delays), "sse");
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(500);
        scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"request_denied\"}");
        try {
            List<UUID> clients = scratch.insertClients(failures);
            for (UUID client : clients) {
                updateAddresses(List.of(client));
                Thread.sleep(20);
            }
            Instant deadline = Instant.now().plusSeconds(60);
            while (delays.size() < failures && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
        } finally {
            scratch.simulator(Settings.DISTANCE_MATRIX_SIMULATOR, "mode", "{\"mode\": \"ok\"}");
            response.body().close();
        }
        long[] sorted;
        synchronized (delays) {
            sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        say("");
        say("### Failure to notification: from the worker recording `failed_at` (right after the simulator refused) to "
                + "the event on a `/task-events` stream through the gateway");
        say(String.format(
                "%d failures: p50 %s, p95 %s, max %s (target: p95 under 1 s).",
                sorted.length, ms(percentile(sorted, 50)), ms(percentile(sorted, 95)), ms(percentile(sorted, 100))));
    }

    private void readFailures(HttpResponse<java.io.InputStream> response, List<Long> delays) {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                long arrived = System.currentTimeMillis();
                JsonNode task = Http.JSON.readTree(line.substring(5).trim());
                if ("failed".equals(task.path("status").asString())
                        && !task.path("failed_at").isNull()) {
                    long failedAt = OffsetDateTime.parse(task.path("failed_at").asString())
                            .toInstant()
                            .toEpochMilli();
                    synchronized (delays) {
                        delays.add((arrived - failedAt) * 1_000_000L);
                    }
                }
            }
        } catch (IOException | RuntimeException closed) {
            // the benchmark ended the stream
        }
    }

    // ---------------------------------------------------------------- helpers

    private void awaitTasks(String where, int expected, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try (Statement statement = db.createStatement();
                    ResultSet count = statement.executeQuery(
                            ScratchStack.OWN_QUERY + "SELECT count(*) FROM background_tasks WHERE status IN "
                                    + "('completed', 'failed') AND " + where)) {
                count.next();
                if (count.getInt(1) >= expected) {
                    return;
                }
            }
            // each count scans background_tasks, on the PostgreSQL the run measures; the figures come from the rows'
            // times, not from when this loop saw them, so a second between looks costs nothing but that second
            Thread.sleep(1000);
        }
        throw new CliException("the tasks (" + where + ") did not all finish within " + timeout.toSeconds() + " s");
    }

    private Instant lastCompletion(OffsetDateTime from) throws SQLException {
        try (Statement statement = db.createStatement();
                ResultSet last = statement.executeQuery(
                        ScratchStack.OWN_QUERY + "SELECT max(updated_at) FROM background_tasks WHERE task_type = "
                                + "'calculate_drive_times' AND created_at >= '" + from + "'")) {
            last.next();
            return last.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static void send(HttpRequest.Builder request) throws IOException, InterruptedException {
        ScratchStack.HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    /** The {@code p}th percentile (nearest rank) of {@code sorted}; 0 when empty. */
    static long percentile(long[] sorted, int p) {
        return Load.percentile(sorted, p);
    }

    static String ms(long nanos) {
        double millis = nanos / 1e6;
        return millis >= 1000
                ? String.format(Locale.ROOT, "%.2f s", millis / 1000)
                : String.format(Locale.ROOT, "%.1f ms", millis);
    }
}
