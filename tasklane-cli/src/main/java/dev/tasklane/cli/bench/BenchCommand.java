package dev.tasklane.cli.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.tasklane.cli.CliException;
import dev.tasklane.cli.stack.BrokersOption;
import dev.tasklane.cli.stack.ScratchStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
/** {@code ./tasklane bench}: starts a scratch stack, runs the benchmarks --only names, in their order, and reports. */
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

    private final PrintStream out = System.out;
    private final List<String> report = new ArrayList<>();
    private final Map<Integer, Double> pipelineRates = new LinkedHashMap<>();
    private Double floorRate;
    private Connection db;

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
        ScratchStack scratch = ScratchStack.start(
                "bench",
                brokerCount,
                Map.of(
                        "GOOGLE_MAPS_QUOTA_PER_SECOND",
                        "10000",
                        "TASKLANE_DRIVE_TIME_CONSUMERS",
                        String.valueOf(driveTimeConsumers)),
                POSTGRES_SETTINGS);
        db = scratch.db;
        Admin admin = null;
        try {
            PgStatements.enable(db);
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, scratch.settings.kafkaBootstrap()));
            BenchRun run = new BenchRun(scratch, admin, this::say);
            header();
            for (String name : BENCHMARKS.stream().filter(only::contains).toList()) {
                switch (name) {
                    case "google" -> new GoogleBenchmark(run).run();
                    case "async" -> new AsyncBenchmark(run).run();
                    case "latency" -> new LatencyBenchmark(run, seconds).run();
                    case "pipeline" -> pipelineRates.putAll(new PipelineBenchmark(run, tasks, burst).run());
                    case "floor" -> floorRate = new FloorBenchmark(run, floorTasks).run();
                    case "idle" -> new IdleBenchmark(run).run();
                    case "streams" -> new StreamBenchmark(run, streams, Math.max(seconds, 20)).run();
                    default -> new NotifyBenchmark(run, failures).run();
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
}
