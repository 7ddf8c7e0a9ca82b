package dev.tasklane.cli.chaos;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.tasklane.cli.CliException;
import dev.tasklane.cli.stack.BrokersOption;
import dev.tasklane.cli.stack.ScratchStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
/** {@code ./tasklane chaos}: starts a scratch stack, runs the scenarios --only names and reports what each left. */
public final class ChaosCommand implements Callable<Integer> {

    private static final Set<String> SCENARIOS = Set.of("broker", "broker-of-three", "postgres", "storms", "workers");
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
        ScratchStack scratch = ScratchStack.start(
                "chaos",
                brokerCount,
                Map.of(
                        "GOOGLE_MAPS_QUOTA_PER_SECOND",
                        String.valueOf(ChaosRun.GOOGLE_QUOTA),
                        "TASKLANE_QUO_QUOTA",
                        String.valueOf(ChaosRun.QUO_QUOTA)));
        try {
            scratch.activeDrivers(DRIVERS);
            ChaosRun run = new ChaosRun(scratch);
            for (String name : only) {
                switch (name) {
                    case "broker" -> new BrokerScenario(run, clients, outage).run();
                    case "broker-of-three" -> new BrokerOfThreeScenario(run, clients).run();
                    case "postgres" -> new PostgresScenario(run).run();
                    case "storms" -> new StormsScenario(run, storm).run();
                    default -> new WorkersScenario(run).run();
                }
            }
            out.println();
            out.println("For docs/benchmarks.md (" + Instant.now().toString().substring(0, 10) + ", "
                    + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                    + "):");
            out.println(
                    "| scenario | requests | answers | tasks | completed | failed | lost | duplicated | recovery |");
            out.println("|---|---:|---|---:|---:|---:|---:|---:|---|");
            run.rows.forEach(out::println);
            out.println();
            run.notes.forEach(out::println);
            out.println();
            out.println(
                    run.allClean()
                            ? "Every scenario: nothing lost, nothing duplicated, nothing failed."
                            : "AT LEAST ONE SCENARIO LOST, DUPLICATED OR FAILED TASKS: see the rows above.");
            return run.allClean() ? 0 : 1;
        } finally {
            scratch.close();
        }
    }
}
