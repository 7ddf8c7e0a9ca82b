package dev.tasklane.cli.stack;

import java.io.IOException;
import java.io.OutputStream;
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
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.tasklane.cli.CliException;
import dev.tasklane.localkafka.KafkaCluster;
import dev.tasklane.schema.SchemaMigrator;
import dev.tasklane.simulators.SimulatorServer;
import dev.tasklane.simulators.distancematrix.DistanceMatrixSimulator;
import dev.tasklane.simulators.quo.QuoSimulator;

/**
 * All of Tasklane on this machine: the simulators (unless real keys are set), PostgreSQL, the schema, Kafka (one broker,
 * or a cluster of three with {@code TASKLANE_KAFKA_BROKERS=3}) and the four services, each a process of its own.
 * {@code ./tasklane up} runs one in the foreground; {@code ./tasklane bench} runs one of its own, quietly, and adds
 * worker instances to it.
 */
public final class LocalStack implements AutoCloseable {

    private static final String[] COLORS = {"\u001b[36m", "\u001b[35m", "\u001b[33m", "\u001b[32m"};

    private final Settings settings;
    private final PrintStream console;
    private final boolean colors;
    private final Consumer<String> say;
    private final boolean fastStart;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<SimulatorServer> simulators = new ArrayList<>();
    private final List<ServiceProcess> services = new ArrayList<>();
    private Map<String, Path> jars;
    private LocalPostgres postgres;
    private Map<String, String> postgresSettings = Map.of();
    private KafkaCluster kafka;
    private StackWatchdog watchdog;
    private String secret;
    private volatile boolean stopping;
    private boolean everyLine;

    /**
     * @param console where the services' warnings and errors (every line: {@link #everyLine}) go, prefixed with their
     *                names; {@code null} for the log files only
     * @param say     where the stack says what it is doing
     * @param fastStart start the services quickly at the cost of their speed once warm (not for benchmarks)
     */
    LocalStack(Settings settings, PrintStream console, boolean colors, Consumer<String> say, boolean fastStart) {
        this.settings = settings;
        this.fastStart = fastStart;
        this.console = console != null ? console : new PrintStream(OutputStream.nullOutputStream());
        this.colors = colors;
        this.say = say;
    }

    /**
     * Whether the services' every log line goes to the console ({@code ./tasklane up --verbose}); by default only their
     * warnings and errors do, and every line goes to their log files.
     */
    LocalStack everyLine(boolean everyLine) {
        this.everyLine = everyLine;
        return this;
    }

    /** Server settings for the stack's own PostgreSQL (its restarts too) on top of zonky's; before {@link #start}. */
    LocalStack postgresSettings(Map<String, String> settings) {
        this.postgresSettings = Map.copyOf(settings);
        return this;
    }

    /** Starts everything and waits until every service is healthy; a port already taken stops it before it starts. */
    void start(Map<String, String> overrides, Duration timeout) throws IOException, SQLException {
        jars = jars(settings.root());
        StackWatchdog.dealWithLeftovers(settings.home(), say);
        checkPorts();
        Path logs = settings.home().resolve("logs");
        Files.createDirectories(logs);
        watchdog = StackWatchdog.start(settings.home(), logs);
        secret = settings.jwtSecret(true);
        if (!settings.usesGoogle()) {
            DistanceMatrixSimulator google =
                    new DistanceMatrixSimulator(settings.port(Settings.DISTANCE_MATRIX_SIMULATOR));
            simulators.add(google);
            environment.put("GOOGLE_MAPS_API_KEY", Settings.GOOGLE_SIMULATOR_KEY);
            environment.put("GOOGLE_MAPS_BASE_URL", google.baseUrl());
            say.accept("Distance Matrix simulator on " + google.baseUrl() + " (GOOGLE_MAPS_API_KEY is not set)");
        }
        if (!settings.usesQuo()) {
            QuoSimulator quo = new QuoSimulator(settings.port(Settings.QUO_SIMULATOR), Settings.QUO_SIMULATOR_KEY);
            simulators.add(quo);
            environment.put("QUO_API_KEY", Settings.QUO_SIMULATOR_KEY);
            environment.put("TASKLANE_QUO_BASE_URL", quo.baseUrl());
            // appointment texts go out from the simulator's one number unless the caller chose another
            environment.putIfAbsent("TASKLANE_QUO_FROM_NUMBER", QuoSimulator.PHONE_NUMBER_ID);
            say.accept("Quo simulator on " + quo.baseUrl() + " (QUO_API_KEY is not set)");
        }
        if (!settings.usesExternalDatabase()) {
            say.accept("Starting PostgreSQL (data in " + settings.home().resolve("postgres") + ")");
            startPostgres();
        }
        migrate();

        startKafka(logs);

        environment.put("TASKLANE_DB_URL", settings.databaseUrl());
        environment.put("TASKLANE_DB_USER", settings.databaseUser());
        environment.put("TASKLANE_DB_PASSWORD", settings.databasePassword());
        environment.put("TASKLANE_KAFKA_BOOTSTRAP", settings.kafkaBootstrap());
        boolean cluster = kafka.size() >= 3;
        environment.put("TASKLANE_TOPICS_REPLICATION_FACTOR", cluster ? "3" : "1");
        environment.put("TASKLANE_TOPICS_MIN_INSYNC_REPLICAS", cluster ? "2" : "1");
        environment.put("TASKLANE_JWT_SECRET", secret);
        environment.put("TASKLANE_LEDGER_URL", settings.url(Settings.LEDGER));
        for (Settings.Port port : Settings.SERVICES) {
            environment.put(port.variable(), String.valueOf(settings.port(port)));
        }
        environment.put("LOGGING_PATTERN_CONSOLE", "%d{HH:mm:ss.SSS} %5p %-36.36logger{35} : %m%n%wEx");
        environment.put("SPRING_MAIN_BANNER_MODE", "off");
        environment.put("SPRING_OUTPUT_ANSI_ENABLED", "never");
        environment.putAll(overrides);
        record();

        for (Settings.Port port : Settings.SERVICES) {
            startService(port, settings.port(port), port.part(), Map.of());
        }
        awaitHealthy(services, timeout);
    }

    /**
     * One broker keeps its data in {@code kafka/} and logs to {@code kafka.log}; a cluster of three keeps node n's in
     * {@code kafka-cluster/node-n/} and logs to {@code kafka-n.log}, so switching between the two never mixes their data.
     */
    private void startKafka(Path logs) {
        List<Settings.Port> ports = settings.kafkaPorts();
        List<KafkaCluster.Ports> nodes = new ArrayList<>();
        for (int i = 0; i < ports.size(); i += 2) {
            nodes.add(new KafkaCluster.Ports(settings.port(ports.get(i)), settings.port(ports.get(i + 1))));
        }
        boolean single = nodes.size() == 1;
        Path data = settings.home().resolve(single ? "kafka" : "kafka-cluster");
        say.accept("Starting Kafka on " + settings.kafkaBootstrap()
                + (single
                        ? " (log: " + logs.resolve("kafka.log")
                        : " (" + nodes.size() + " brokers; logs: " + logs.resolve("kafka-<n>.log"))
                + ", data: " + data + ")");
        kafka = KafkaCluster.in(data, nodes, node -> logs.resolve(single ? "kafka.log" : "kafka-" + node + ".log"));
        kafka.start();
    }

    /** Starts one more instance of {@code service} on {@code port} (a worker scales this way) and waits for it. */
    public ServiceProcess startService(Settings.Port service, int port, String name, Map<String, String> overrides)
            throws IOException {
        Map<String, String> own = new LinkedHashMap<>(environment);
        own.put(service.variable(), String.valueOf(port));
        // static group membership: an instance started again under its name takes its partitions back at once
        own.put("TASKLANE_INSTANCE_ID", name);
        own.putAll(overrides);
        say.accept("Starting " + name + " on port " + port);
        ServiceProcess process = ServiceProcess.start(
                name,
                jars.get(service.part()),
                port,
                own,
                settings.home().resolve("logs"),
                console,
                colors ? COLORS[services.size() % COLORS.length] : "",
                fastStart,
                everyLine);
        services.add(process);
        return process;
    }

    /** Waits until each is healthy, saying so of each, and every 10 s what it still waits for. */
    public void awaitHealthy(List<ServiceProcess> starting, Duration timeout) {
        Instant started = Instant.now();
        Instant deadline = started.plus(timeout);
        Instant nextProgress = started.plusSeconds(10);
        List<ServiceProcess> waiting = new ArrayList<>(starting);
        while (!waiting.isEmpty()) {
            for (ServiceProcess service : List.copyOf(waiting)) {
                if (!service.alive()) {
                    throw new CliException(service.name() + " exited with code " + service.exitCode() + " while "
                            + "starting; its last lines:\n  " + String.join("\n  ", service.lastLines()));
                }
                if (service.healthy()) {
                    waiting.remove(service);
                    say.accept(service.name() + " is healthy");
                }
            }
            if (!waiting.isEmpty() && Instant.now().isAfter(nextProgress)) {
                nextProgress = nextProgress.plusSeconds(10);
                say.accept("Waiting for "
                        + String.join(
                                ", ", waiting.stream().map(ServiceProcess::name).toList())
                        + " to answer healthy ("
                        + Duration.between(started, Instant.now()).toSeconds() + " s so far; a service takes 20-40 s "
                        + "to start here)");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CliException("not healthy after " + timeout.toSeconds() + " s: "
                        + String.join(
                                ", ", waiting.stream().map(ServiceProcess::name).toList())
                        + ". See " + settings.home().resolve("logs") + ", or give it longer with --timeout.");
            }
            sleep(500);
        }
    }

    Settings settings() {
        return settings;
    }

    public String secret() {
        return secret;
    }

    List<SimulatorServer> simulators() {
        return simulators;
    }

    public List<ServiceProcess> services() {
        return services;
    }

    boolean stopping() {
        return stopping;
    }

    /** The running instance called {@code name} ({@code drive-time-worker}, {@code drive-time-worker-2}, …). */
    public ServiceProcess service(String name) {
        return services.stream()
                .filter(service -> service.name().equals(name) && service.alive())
                .reduce((a, b) -> b)
                .orElseThrow(() -> new CliException("no running service called " + name));
    }

    /** The stack's Kafka (its one broker, or its cluster), for {@code ./tasklane chaos} to kill and start again. */
    public KafkaCluster kafka() {
        return kafka;
    }

    /** Stops the stack's own PostgreSQL (fast shutdown: open connections are cut) and keeps its data. */
    public void stopPostgres() throws IOException {
        if (postgres == null) {
            throw new CliException("this stack uses an external database (TASKLANE_DB_URL); it cannot stop it");
        }
        postgres.close();
        postgres = null;
    }

    /** Starts the stack's PostgreSQL again on its port, with the data it had. */
    public void startPostgres() throws IOException, SQLException {
        postgres = LocalPostgres.start(settings.home(), settings.port(Settings.POSTGRES), postgresSettings);
        watchdog.adopt(postgres.pid(), "PostgreSQL", true);
    }

    /** Stops the services (gracefully, then by force), Kafka, PostgreSQL and the simulators. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (watchdog == null) {
            // stopped before it started anything (a port in use, another run going on)
            return;
        }
        long started = System.nanoTime();
        Optional<Long> postgresPid = Optional.empty();
        try {
            postgresPid = postgres != null ? Optional.of(postgres.pid()) : Optional.empty();
        } catch (IOException e) {
            // not running
        }
        say.accept("Stopping Tasklane…");
        services.forEach(ServiceProcess::requestStop);
        services.forEach(service -> service.awaitStop(Duration.ofSeconds(30)));
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                say.accept("PostgreSQL did not stop cleanly: " + e.getMessage());
            }
        }
        simulators.forEach(SimulatorServer::close);
        List<String> left = new ArrayList<>();
        ProcessHandle.current()
                .descendants()
                .filter(StackWatchdog::alive)
                .filter(child -> child.pid() != watchdog.handle().pid())
                .forEach(child -> left.add(StackWatchdog.describe(child) + " (pid " + child.pid() + ")"));
        postgresPid
                .flatMap(ProcessHandle::of)
                .filter(StackWatchdog::alive)
                .ifPresent(server -> left.add("PostgreSQL (pid " + server.pid() + ")"));
        watchdog.close();
        try {
            Files.deleteIfExists(settings.home().resolve(StackWatchdog.RECORD));
        } catch (IOException e) {
            say.accept("Could not remove " + settings.home().resolve(StackWatchdog.RECORD) + ": " + e.getMessage());
        }
        say.accept(String.format("Stopped in %.1f s; ", (System.nanoTime() - started) / 1e9)
                + (left.isEmpty() ? "nothing is left running." : "still running: " + String.join(", ", left) + "."));
    }

    /** Each service's jar, built by {@code ./mvnw package}. */
    public static Map<String, Path> jars(Path root) throws IOException {
        Map<String, Path> jars = new LinkedHashMap<>();
        for (Settings.Port service : Settings.SERVICES) {
            Path target = root.resolve(service.part()).resolve("target");
            Optional<Path> jar = Optional.empty();
            if (Files.isDirectory(target)) {
                try (Stream<Path> files = Files.list(target)) {
                    jar = files.filter(file -> {
                                String name = file.getFileName().toString();
                                return name.startsWith(service.part() + "-")
                                        && name.endsWith(".jar")
                                        && !name.endsWith("-sources.jar")
                                        && !name.endsWith("-tests.jar");
                            })
                            .findFirst();
                }
            }
            jars.put(
                    service.part(),
                    jar.orElseThrow(() -> new CliException("No jar of " + service.part() + " in "
                            + target
                            + ": build Tasklane first with './mvnw package -DskipTests' (./tasklane up does this by "
                            + "itself when a jar is missing).")));
        }
        return jars;
    }

    /** Every port the stack will listen on must be free: a clear error naming the port and its variable if not. */
    private void checkPorts() {
        List<Settings.Port> ports = new ArrayList<>(Settings.SERVICES);
        ports.addAll(settings.kafkaPorts());
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
            } catch (IOException taken) {
                throw new CliException("port " + number + " (" + port.part() + ") is already in use: stop what uses it "
                        + "(is Tasklane already running?) or set " + port.variable() + " to a free port.");
            }
        }
    }

    private void migrate() {
        try (Connection connection = DriverManager.getConnection(
                settings.databaseUrl(), settings.databaseUser(), settings.databasePassword())) {
            int applied = SchemaMigrator.migrate(connection);
            say.accept("Schema up to date (" + (applied == 0 ? "nothing to apply" : applied + " changesets applied")
                    + ")");
        } catch (SQLException e) {
            throw new CliException(
                    "could not connect to " + settings.databaseUrl() + ": " + e.getMessage()
                            + " Check TASKLANE_DB_URL, TASKLANE_DB_USER and TASKLANE_DB_PASSWORD.",
                    e);
        }
    }

    private void record() {
        Map<String, String> values = new LinkedHashMap<>();
        for (Settings.Port port : Settings.PORTS) {
            values.put(port.variable(), String.valueOf(settings.port(port)));
        }
        for (Settings.Port port : settings.kafkaPorts()) {
            values.put(port.variable(), String.valueOf(settings.port(port)));
        }
        values.put(Settings.KAFKA_BROKERS, String.valueOf(settings.kafkaBrokers()));
        values.put("TASKLANE_DB_URL", settings.databaseUrl());
        values.put("TASKLANE_DB_USER", settings.databaseUser());
        values.put("TASKLANE_KAFKA_BOOTSTRAP", settings.kafkaBootstrap());
        values.put("TASKLANE_SIMULATORS", String.valueOf(!simulators.isEmpty()));
        settings.record(values);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
