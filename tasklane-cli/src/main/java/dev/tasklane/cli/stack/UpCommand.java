package dev.tasklane.cli.stack;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.tasklane.cli.Tokens;
import dev.tasklane.simulators.SimulatorServer;
import dev.tasklane.simulators.quo.QuoSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        header = "Starts all of Tasklane on this machine (Ctrl-C stops it).",
        description = {
            "Starts all of Tasklane on this machine, in the foreground: Kafka (KRaft), PostgreSQL, the",
            "schema, the four services, and the Google and Quo simulators unless GOOGLE_MAPS_API_KEY / QUO_API_KEY",
            "are set. Prints the URLs and demo tokens when everything is healthy. Ctrl-C stops everything.",
            "",
            "Data (database, Kafka, logs, the token secret) is kept in .tasklane/ (TASKLANE_HOME).",
            "TASKLANE_DB_URL (with TASKLANE_DB_USER/TASKLANE_DB_PASSWORD) uses that PostgreSQL instead.",
            "",
            "Ports (each overridable): gateway 8080 TASKLANE_GATEWAY_PORT, ledger 8081 TASKLANE_LEDGER_PORT,",
            "workers 8082 TASKLANE_DRIVE_TIME_WORKER_PORT and 8083 TASKLANE_QUO_SYNC_WORKER_PORT, simulators",
            "8091 TASKLANE_DISTANCE_MATRIX_SIM_PORT and 8092 TASKLANE_QUO_SIM_PORT, Kafka 9092 TASKLANE_KAFKA_PORT",
            "(controller 9093 TASKLANE_KAFKA_CONTROLLER_PORT), PostgreSQL 5432 TASKLANE_PG_PORT.",
            "--brokers 3 (or TASKLANE_KAFKA_BROKERS=3) runs a KRaft cluster of three brokers instead: brokers 2 and 3",
            "on 9094 and 9096 (TASKLANE_KAFKA_2_PORT, TASKLANE_KAFKA_3_PORT; controllers 9095 and 9097), data in",
            ".tasklane/kafka-cluster/, topics with 3 replicas and min.insync.replicas=2."
        })
/** {@code ./tasklane up}: the whole stack in the foreground, with its URLs and demo tokens, until Ctrl-C. */
public final class UpCommand implements Callable<Integer> {

    @Option(
            names = "--timeout",
            paramLabel = "<seconds>",
            defaultValue = "300",
            description = "how long to wait for everything to be healthy (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--no-seed", description = "do not add the demo drivers on first start")
    boolean noSeed;

    @Option(
            names = "--verbose",
            description = "stream every log line of every service to the console (by default only their warnings "
                    + "and errors; every line is in .tasklane/logs/<service>.log)")
    boolean verbose;

    @Mixin
    BrokersOption brokers = new BrokersOption();

    private final PrintStream out = System.out;
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        // --brokers, else TASKLANE_KAFKA_BROKERS, else one broker: never the number the last stack recorded
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putIfAbsent(Settings.KAFKA_BROKERS, "1");
        environment.put(
                Settings.KAFKA_BROKERS, String.valueOf(brokers.orElse(new Settings(environment).kafkaBrokers())));
        Settings settings = new Settings(environment);
        boolean colors = System.console() != null && System.getenv("NO_COLOR") == null;
        LocalStack stack = new LocalStack(settings, out, colors, this::say, true).everyLine(verbose);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stack.close();
                            stopped.countDown();
                        },
                        "tasklane-stop"));
        stack.start(Map.of(), Duration.ofSeconds(timeoutSeconds));
        if (!noSeed) {
            DemoData.seedDrivers(
                    settings,
                    Tokens.mint(Tokens.DEMO_USERS.get("admin"), "admin", Duration.ofMinutes(5), stack.secret()),
                    this::say);
        }
        printBanner(stack);
        watch(stack);
        return 0;
    }

    private void printBanner(LocalStack stack) {
        Settings settings = stack.settings();
        String gateway = "http://localhost:" + settings.port(Settings.GATEWAY);
        StringBuilder banner = new StringBuilder("\n");
        banner.append("Tasklane is running.\n");
        banner.append("  Dashboard:        ").append(gateway).append("/dashboard.html\n");
        banner.append("  API gateway:      ")
                .append(gateway)
                .append("   ledger: http://localhost:")
                .append(settings.port(Settings.LEDGER))
                .append('\n');
        for (SimulatorServer simulator : stack.simulators()) {
            String name = simulator instanceof QuoSimulator ? "Quo simulator:    " : "Google simulator: ";
            String local = "http://localhost:" + simulator.port();
            banner.append("  ")
                    .append(name)
                    .append(local)
                    .append("/_sim/stats   (make it fail: curl -X POST ")
                    .append(local)
                    .append("/_sim/mode -d '{\"mode\":\"")
                    .append(simulator instanceof QuoSimulator ? "unauthorized" : "request_denied")
                    .append("\"}')\n");
        }
        banner.append("  Demo tokens for ")
                .append(String.join(
                        ", ", Tokens.ROLES.stream().map(Tokens.DEMO_NAMES::get).toList()))
                .append(" (12 h; more with ./tasklane token --role … --name …):\n");
        for (String role : Tokens.ROLES) {
            banner.append(String.format(
                    "    %-11s%s%n",
                    role, Tokens.mint(Tokens.DEMO_USERS.get(role), role, Duration.ofHours(12), stack.secret())));
        }
        banner.append("  Try: curl -X POST ")
                .append(gateway)
                .append("/add-client -H \"Authorization: Bearer <user token>\" ")
                .append("-H 'Content-Type: application/json' -d '{\"name\":\"Ada Client\",\"phone\":\"+12175550100\",")
                .append("\"address\":\"1 Main St, Springfield, IL\"}'\n");
        banner.append("Press Ctrl-C to stop everything. Data: ")
                .append(settings.home())
                .append("; every service's log: ")
                .append(settings.home().resolve("logs"))
                .append("/<service>.log")
                .append(verbose ? "" : " (here: only their warnings and errors; --verbose for every line)")
                .append('\n');
        out.print(banner);
        out.flush();
    }

    /** Runs until Ctrl-C; says so when a service stops on its own. */
    private void watch(LocalStack stack) throws InterruptedException {
        List<ServiceProcess> reported = new ArrayList<>();
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            for (ServiceProcess service : stack.services()) {
                if (!stack.stopping() && !service.alive() && !reported.contains(service)) {
                    reported.add(service);
                    say(service.name() + " stopped on its own (exit code " + service.exitCode() + "); see "
                            + ".tasklane/logs/" + service.name() + ".log. Restart ./tasklane up to bring it back.");
                }
            }
        }
    }

    private void say(String message) {
        out.println("tasklane          | " + message);
        out.flush();
    }
}
