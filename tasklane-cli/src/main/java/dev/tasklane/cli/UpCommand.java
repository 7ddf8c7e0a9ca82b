package dev.tasklane.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import dev.tasklane.localkafka.KafkaBrokerProcess;
import dev.tasklane.schema.SchemaMigrator;
import dev.tasklane.simulators.SimulatorServer;
import dev.tasklane.simulators.distancematrix.DistanceMatrixSimulator;
import dev.tasklane.simulators.quo.QuoSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true,
        header = "Starts all of Tasklane on this machine (Ctrl-C stops it).",
        description = {"Starts all of Tasklane on this machine, in the foreground: Kafka (KRaft), PostgreSQL, the",
                "schema, the four services, and the Google and Quo simulators unless GOOGLE_MAPS_API_KEY / QUO_API_KEY",
                "are set. Prints the URLs and demo tokens when everything is healthy. Ctrl-C stops everything.",
                "",
                "Data (database, Kafka, logs, the token secret) is kept in .tasklane/ (TASKLANE_HOME).",
                "TASKLANE_DB_URL (with TASKLANE_DB_USER/TASKLANE_DB_PASSWORD) uses that PostgreSQL instead.",
                "",
                "Ports (each overridable): gateway 8080 TASKLANE_GATEWAY_PORT, ledger 8081 TASKLANE_LEDGER_PORT,",
                "workers 8082 TASKLANE_DRIVE_TIME_WORKER_PORT and 8083 TASKLANE_QUO_SYNC_WORKER_PORT, simulators",
                "8091 TASKLANE_DISTANCE_MATRIX_SIM_PORT and 8092 TASKLANE_QUO_SIM_PORT, Kafka 9092 TASKLANE_KAFKA_PORT",
                "(controller 9093 TASKLANE_KAFKA_CONTROLLER_PORT), PostgreSQL 5432 TASKLANE_PG_PORT."})
final class UpCommand implements Callable<Integer> {

    private static final String[] COLORS = {"\u001b[36m", "\u001b[35m", "\u001b[33m", "\u001b[32m"};

    @Option(names = "--timeout", paramLabel = "<seconds>", defaultValue = "300",
            description = "how long to wait for everything to be healthy (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--no-seed", description = "do not add the demo drivers on first start")
    boolean noSeed;

    private final PrintStream out = System.out;
    private final List<SimulatorServer> simulators = new ArrayList<>();
    private final List<ServiceProcess> services = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private LocalPostgres postgres;
    private KafkaBrokerProcess kafka;
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        Settings settings = Settings.fromEnvironment();
        Map<String, Path> jars = jars(settings.root());
        checkPorts(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopEverything, "tasklane-stop"));
        Path logs = settings.home().resolve("logs");
        Files.createDirectories(logs);
        String secret = settings.jwtSecret(true);

        Map<String, String> environment = new LinkedHashMap<>();
        if (!settings.usesGoogle()) {
            DistanceMatrixSimulator google = new DistanceMatrixSimulator(settings.port(Settings.DISTANCE_MATRIX_SIMULATOR));
            simulators.add(google);
            environment.put("GOOGLE_MAPS_API_KEY", Settings.GOOGLE_SIMULATOR_KEY);
            environment.put("GOOGLE_MAPS_BASE_URL", google.baseUrl());
            say("Distance Matrix simulator on " + google.baseUrl() + " (GOOGLE_MAPS_API_KEY is not set)");
        }
        if (!settings.usesQuo()) {
            QuoSimulator quo = new QuoSimulator(settings.port(Settings.QUO_SIMULATOR), Settings.QUO_SIMULATOR_KEY);
            simulators.add(quo);
            environment.put("QUO_API_KEY", Settings.QUO_SIMULATOR_KEY);
            environment.put("TASKLANE_QUO_BASE_URL", quo.baseUrl());
            say("Quo simulator on " + quo.baseUrl() + " (QUO_API_KEY is not set)");
        }

        if (!settings.usesExternalDatabase()) {
            say("Starting PostgreSQL (data in " + settings.home().resolve("postgres") + ")");
            postgres = LocalPostgres.start(settings.home(), settings.port(Settings.POSTGRES));
        }
        migrate(settings);

        say("Starting Kafka on " + settings.kafkaBootstrap() + " (log: " + logs.resolve("kafka.log") + ")");
        kafka = KafkaBrokerProcess.in(settings.home().resolve("kafka"), settings.port(Settings.KAFKA),
                settings.port(Settings.KAFKA_CONTROLLER), logs.resolve("kafka.log"));
        kafka.start();

        environment.put("TASKLANE_DB_URL", settings.databaseUrl());
        environment.put("TASKLANE_DB_USER", settings.databaseUser());
        environment.put("TASKLANE_DB_PASSWORD", settings.databasePassword());
        environment.put("TASKLANE_KAFKA_BOOTSTRAP", settings.kafkaBootstrap());
        environment.put("TASKLANE_JWT_SECRET", secret);
        environment.put("TASKLANE_LEDGER_URL", settings.url(Settings.LEDGER));
        for (Settings.Port port : Settings.SERVICES) {
            environment.put(port.variable(), String.valueOf(settings.port(port)));
        }
        environment.put("LOGGING_PATTERN_CONSOLE", "%d{HH:mm:ss.SSS} %5p %-36.36logger{35} : %m%n%wEx");
        environment.put("SPRING_MAIN_BANNER_MODE", "off");
        environment.put("SPRING_OUTPUT_ANSI_ENABLED", "never");
        recordStack(settings);

        boolean colors = System.console() != null && System.getenv("NO_COLOR") == null;
        int i = 0;
        for (Settings.Port port : Settings.SERVICES) {
            say("Starting " + port.part() + " on port " + settings.port(port));
            services.add(ServiceProcess.start(port.part(), jars.get(port.part()), settings.port(port), environment, logs,
                    out, colors ? COLORS[i++ % COLORS.length] : ""));
        }
        awaitHealthy(Duration.ofSeconds(timeoutSeconds));

        if (!noSeed) {
            DemoData.seedDrivers(settings, Tokens.mint(Tokens.DEMO_USERS.get("admin"), "admin", Duration.ofMinutes(5),
                    secret), this::say);
        }
        printBanner(settings, secret);
        watch();
        return 0;
    }

    /** Each service's jar, built by {@code ./mvnw package}. */
    static Map<String, Path> jars(Path root) throws IOException {
        Map<String, Path> jars = new LinkedHashMap<>();
        for (Settings.Port service : Settings.SERVICES) {
            Path target = root.resolve(service.part()).resolve("target");
            Optional<Path> jar = Optional.empty();
            if (Files.isDirectory(target)) {
                try (Stream<Path> files = Files.list(target)) {
                    jar = files.filter(file -> {
                        String name = file.getFileName().toString();
                        return name.startsWith(service.part() + "-") && name.endsWith(".jar")
                                && !name.endsWith("-sources.jar") && !name.endsWith("-tests.jar");
                    }).findFirst();
                }
            }
            jars.put(service.part(), jar.orElseThrow(() -> new CliException("No jar of " + service.part() + " in "
                    + target + ": build Tasklane first with './mvnw package -DskipTests' (./tasklane up does this by "
                    + "itself when a jar is missing).")));
        }
        return jars;
    }

    /** Every port the stack will listen on must be free: a clear error naming the port and its variable if not. */
    private static void checkPorts(Settings settings) {
        List<Settings.Port> ports = new ArrayList<>(Settings.SERVICES);
        ports.add(Settings.KAFKA);
        ports.add(Settings.KAFKA_CONTROLLER);
        if (!settings.usesGoogle()) {
            ports.add(Settings.DISTANCE_MATRIX_SIMULATOR);
        }
        if (!settings.usesQuo()) {
            ports.add(Settings.QUO_SIMULATOR);
        }
        if (!settings.usesExternalDatabase()) {
            ports.add(Settings.POSTGRES);
        }
        Map<Integer, Settings.Port> seen = new LinkedHashMap<>();
        for (Settings.Port port : ports) {
            int number = settings.port(port);
            Settings.Port other = seen.put(number, port);
            if (other != null) {
                throw new CliException("port " + number + " is given to both " + other.part() + " and " + port.part()
                        + ": set " + port.variable() + " to another port.");
            }
            try (ServerSocket socket = new ServerSocket(number)) {
                socket.setReuseAddress(true);
            }
            catch (IOException taken) {
                throw new CliException("port " + number + " (" + port.part() + ") is already in use: stop what uses it "
                        + "(is Tasklane already running?) or set " + port.variable() + " to a free port.");
            }
        }
    }

    private void migrate(Settings settings) throws SQLException {
        try (Connection connection = DriverManager.getConnection(settings.databaseUrl(), settings.databaseUser(),
                settings.databasePassword())) {
            int applied = SchemaMigrator.migrate(connection);
            say("Schema up to date (" + (applied == 0 ? "nothing to apply" : applied + " changesets applied") + ")");
        }
        catch (SQLException e) {
            throw new CliException("could not connect to " + settings.databaseUrl() + ": " + e.getMessage()
                    + " Check TASKLANE_DB_URL, TASKLANE_DB_USER and TASKLANE_DB_PASSWORD.", e);
        }
    }

    private void recordStack(Settings settings) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Settings.Port port : List.of(Settings.GATEWAY, Settings.LEDGER, Settings.DRIVE_TIME_WORKER,
                Settings.QUO_SYNC_WORKER, Settings.DISTANCE_MATRIX_SIMULATOR, Settings.QUO_SIMULATOR, Settings.KAFKA,
                Settings.KAFKA_CONTROLLER, Settings.POSTGRES)) {
            values.put(port.variable(), String.valueOf(settings.port(port)));
        }
        values.put("TASKLANE_DB_URL", settings.databaseUrl());
        values.put("TASKLANE_DB_USER", settings.databaseUser());
        values.put("TASKLANE_KAFKA_BOOTSTRAP", settings.kafkaBootstrap());
        values.put("TASKLANE_SIMULATORS", String.valueOf(!simulators.isEmpty()));
        settings.record(values);
    }

    private void awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<ServiceProcess> waiting = new ArrayList<>(services);
        while (!waiting.isEmpty()) {
            for (ServiceProcess service : List.copyOf(waiting)) {
                if (!service.alive()) {
                    throw new CliException(service.name() + " exited with code " + service.exitCode() + " while "
                            + "starting; its last lines:\n  " + String.join("\n  ", service.lastLines()));
                }
                if (service.healthy()) {
                    waiting.remove(service);
                    say(service.name() + " is healthy");
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CliException("not healthy after " + timeout.toSeconds() + " s: "
                        + String.join(", ", waiting.stream().map(ServiceProcess::name).toList())
                        + ". See .tasklane/logs/, or give it longer with --timeout.");
            }
            sleep(500);
        }
    }

    private void printBanner(Settings settings, String secret) {
        String gateway = "http://localhost:" + settings.port(Settings.GATEWAY);
        StringBuilder banner = new StringBuilder("\n");
        banner.append("Tasklane is running.\n");
        banner.append("  Dashboard:        ").append(gateway).append("/dashboard.html\n");
        banner.append("  API gateway:      ").append(gateway).append("   ledger: http://localhost:")
                .append(settings.port(Settings.LEDGER)).append('\n');
        for (SimulatorServer simulator : simulators) {
            String name = simulator instanceof QuoSimulator ? "Quo simulator:    " : "Google simulator: ";
            String local = "http://localhost:" + simulator.port();
            banner.append("  ").append(name).append(local).append("/_sim/stats   (make it fail: curl -X POST ")
                    .append(local).append("/_sim/mode -d '{\"mode\":\"")
                    .append(simulator instanceof QuoSimulator ? "unauthorized" : "request_denied").append("\"}')\n");
        }
        banner.append("  Demo tokens (12 h; more with ./tasklane token --role …):\n");
        for (String role : Tokens.ROLES) {
            banner.append(String.format("    %-11s%s%n", role,
                    Tokens.mint(Tokens.DEMO_USERS.get(role), role, Duration.ofHours(12), secret)));
        }
        banner.append("  Try: curl -X POST ").append(gateway).append("/add-client -H \"Authorization: Bearer <user token>\" ")
                .append("-H 'Content-Type: application/json' -d '{\"name\":\"Ada Client\",\"phone\":\"+12175550100\",")
                .append("\"address\":\"1 Main St, Springfield, IL\"}'\n");
        banner.append("Press Ctrl-C to stop everything. Data and logs: ").append(settings.home()).append('\n');
        out.print(banner);
        out.flush();
    }

    /** Runs until Ctrl-C; says so when a service stops on its own. */
    private void watch() throws InterruptedException {
        List<ServiceProcess> reported = new ArrayList<>();
        while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            for (ServiceProcess service : services) {
                if (!stopping && !service.alive() && !reported.contains(service)) {
                    reported.add(service);
                    say(service.name() + " stopped on its own (exit code " + service.exitCode() + "); see "
                            + ".tasklane/logs/" + service.name() + ".log. Restart ./tasklane up to bring it back.");
                }
            }
        }
    }

    private void stopEverything() {
        stopping = true;
        long started = System.nanoTime();
        say("Stopping Tasklane…");
        services.forEach(ServiceProcess::requestStop);
        services.forEach(service -> service.awaitStop(Duration.ofSeconds(30)));
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            try {
                postgres.close();
            }
            catch (IOException e) {
                say("PostgreSQL did not stop cleanly: " + e.getMessage());
            }
        }
        simulators.forEach(SimulatorServer::close);
        say(String.format("Stopped in %.1f s; nothing is left running.", (System.nanoTime() - started) / 1e9));
        stopped.countDown();
    }

    private void say(String message) {
        out.println("tasklane          | " + message);
        out.flush();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
