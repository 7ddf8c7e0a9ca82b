package dev.tasklane.cli.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.tasklane.cli.CliException;

/**
 * Where the local stack lives and how its parts are reached: every value from the environment first, then from what
 * the last {@code ./tasklane up} recorded in {@code .tasklane/stack.properties}, then the defaults. So {@code status},
 * {@code replay} and {@code rebuild-ledger} find a stack started with other ports without being told again.
 */
public final class Settings {

    /** A port of the stack: which part, the variable that moves it, its default. */
    public record Port(String part, String variable, int defaultPort) {}

    public static final Port GATEWAY = new Port("api-gateway", "TASKLANE_GATEWAY_PORT", 8080);
    public static final Port LEDGER = new Port("task-ledger", "TASKLANE_LEDGER_PORT", 8081);
    public static final Port DRIVE_TIME_WORKER = new Port("drive-time-worker", "TASKLANE_DRIVE_TIME_WORKER_PORT", 8082);
    public static final Port QUO_SYNC_WORKER = new Port("quo-sync-worker", "TASKLANE_QUO_SYNC_WORKER_PORT", 8083);
    public static final Port DISTANCE_MATRIX_SIMULATOR =
            new Port("Distance Matrix simulator", "TASKLANE_DISTANCE_MATRIX_SIM_PORT", 8091);
    public static final Port QUO_SIMULATOR = new Port("Quo simulator", "TASKLANE_QUO_SIM_PORT", 8092);
    public static final Port KAFKA = new Port("Kafka", "TASKLANE_KAFKA_PORT", 9092);
    public static final Port KAFKA_CONTROLLER = new Port("Kafka's controller", "TASKLANE_KAFKA_CONTROLLER_PORT", 9093);
    public static final Port KAFKA_2 = new Port("Kafka broker 2", "TASKLANE_KAFKA_2_PORT", 9094);
    public static final Port KAFKA_2_CONTROLLER =
            new Port("Kafka broker 2's controller", "TASKLANE_KAFKA_2_CONTROLLER_PORT", 9095);
    public static final Port KAFKA_3 = new Port("Kafka broker 3", "TASKLANE_KAFKA_3_PORT", 9096);
    public static final Port KAFKA_3_CONTROLLER =
            new Port("Kafka broker 3's controller", "TASKLANE_KAFKA_3_CONTROLLER_PORT", 9097);
    public static final Port POSTGRES = new Port("PostgreSQL", "TASKLANE_PG_PORT", 5432);

    /** How many Kafka brokers the stack runs ({@code --brokers}): one, or a cluster of three. */
    public static final String KAFKA_BROKERS = "TASKLANE_KAFKA_BROKERS";

    /** Each Kafka node's broker port and controller port, node 1 first. */
    public static final List<List<Port>> KAFKA_NODES = List.of(
            List.of(KAFKA, KAFKA_CONTROLLER),
            List.of(KAFKA_2, KAFKA_2_CONTROLLER),
            List.of(KAFKA_3, KAFKA_3_CONTROLLER));

    /** The services, in the order they start. */
    public static final List<Port> SERVICES = List.of(LEDGER, GATEWAY, DRIVE_TIME_WORKER, QUO_SYNC_WORKER);

    /** The ports of a stack other than Kafka's: the services, the simulators and PostgreSQL. */
    public static final List<Port> PORTS = List.of(
            GATEWAY, LEDGER, DRIVE_TIME_WORKER, QUO_SYNC_WORKER, DISTANCE_MATRIX_SIMULATOR, QUO_SIMULATOR, POSTGRES);

    /** The local simulators' key for Quo, and a key shaped like Google's for the Distance Matrix simulator. */
    public static final String QUO_SIMULATOR_KEY = "quo-simulator-key";

    public static final String GOOGLE_SIMULATOR_KEY = "AIzaTasklaneLocalSimulatorKey";

    private static final String RECORD = "stack.properties";

    private final Map<String, String> env;
    private final Path root;
    private final Path home;
    private final Properties recorded = new Properties();

    public Settings(Map<String, String> env) {
        this.env = env;
        this.root =
                Path.of(env.getOrDefault("TASKLANE_ROOT", ".")).toAbsolutePath().normalize();
        String homeValue = env.get("TASKLANE_HOME");
        this.home = homeValue == null || homeValue.isBlank()
                ? root.resolve(".tasklane")
                : Path.of(homeValue).toAbsolutePath().normalize();
        Path file = home.resolve(RECORD);
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                recorded.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + file, e);
            }
        }
    }

    public static Settings fromEnvironment() {
        return new Settings(System.getenv());
    }

    /** The repository the stack runs from. */
    public Path root() {
        return root;
    }

    /** Where the local stack keeps its data, logs and secret ({@code .tasklane/}, or {@code TASKLANE_HOME}). */
    public Path home() {
        return home;
    }

    public String get(String variable) {
        String value = env.get(variable);
        if (value != null && !value.isBlank()) {
            return value.strip();
        }
        value = recorded.getProperty(variable);
        return value == null || value.isBlank() ? null : value;
    }

    /** Whether the environment itself (not a recorded value) sets {@code variable}. */
    public boolean setByEnvironment(String variable) {
        String value = env.get(variable);
        return value != null && !value.isBlank();
    }

    public int port(Port port) {
        String value = get(port.variable());
        if (value == null) {
            return port.defaultPort();
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < 1 || parsed > 65535) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new CliException(port.variable() + " must be a port number from 1 to 65535, was '" + value + "'.");
        }
    }

    public String url(Port port) {
        return "http://127.0.0.1:" + port(port);
    }

    /** The database the services use: {@code TASKLANE_DB_URL}, or the embedded one of the local stack. */
    public String databaseUrl() {
        String url = get("TASKLANE_DB_URL");
        return url != null ? url : "jdbc:postgresql://127.0.0.1:" + port(POSTGRES) + "/tasklane";
    }

    public boolean usesExternalDatabase() {
        return setByEnvironment("TASKLANE_DB_URL");
    }

    public String databaseUser() {
        String user = get("TASKLANE_DB_USER");
        return user != null ? user : usesExternalDatabase() ? "tasklane" : "postgres";
    }

    /** The database password: only ever from the environment, never recorded. */
    public String databasePassword() {
        String password = env.get("TASKLANE_DB_PASSWORD");
        return password == null ? "" : password;
    }

    /** {@code TASKLANE_KAFKA_BROKERS}: 1 (the default) or 3. */
    public int kafkaBrokers() {
        String value = get(KAFKA_BROKERS);
        if (value == null || value.equals("1")) {
            return 1;
        }
        if (value.equals("3")) {
            return 3;
        }
        throw new CliException("--brokers (" + KAFKA_BROKERS + ") takes 1 or 3 (a KRaft cluster needs an odd number "
                + "of controllers, and 3 is what the stack has ports for), was '" + value + "'.");
    }

    /** The ports of the stack's Kafka nodes: a broker's and its controller's for each of {@link #kafkaBrokers()}. */
    public List<Port> kafkaPorts() {
        return KAFKA_NODES.subList(0, kafkaBrokers()).stream()
                .flatMap(List::stream)
                .toList();
    }

    /**
     * Every broker's address, comma-separated: {@code TASKLANE_KAFKA_BOOTSTRAP} from the environment, or those of the
     * stack's own brokers (a recorded value is not reused: the number of brokers may have changed since).
     */
    public String kafkaBootstrap() {
        if (setByEnvironment("TASKLANE_KAFKA_BOOTSTRAP")) {
            return env.get("TASKLANE_KAFKA_BOOTSTRAP").strip();
        }
        return String.join(
                ",",
                KAFKA_NODES.subList(0, kafkaBrokers()).stream()
                        .map(node -> "127.0.0.1:" + port(node.get(0)))
                        .toList());
    }

    public boolean usesGoogle() {
        return setByEnvironment("GOOGLE_MAPS_API_KEY");
    }

    public boolean usesQuo() {
        return setByEnvironment("QUO_API_KEY");
    }

    /**
     * The HS256 secret the services check tokens with: {@code TASKLANE_JWT_SECRET}, or the local stack's own, created
     * on first use in {@code .tasklane/jwt-secret} (readable by this user only).
     */
    public String jwtSecret(boolean create) {
        String secret = env.get("TASKLANE_JWT_SECRET");
        if (secret != null && !secret.isBlank()) {
            return secret;
        }
        Path file = home.resolve("jwt-secret");
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file).strip();
            }
            if (!create) {
                throw new CliException("No token secret: set TASKLANE_JWT_SECRET (the services' secret), or run "
                        + "'./tasklane up' once, which creates the local one in " + file + ".");
            }
            byte[] random = new byte[48];
            new SecureRandom().nextBytes(random);
            String created = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(home);
            Files.writeString(file, created + "\n");
            try {
                Files.setPosixFilePermissions(
                        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // a file system without permissions: nothing more to do
            }
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or create " + file, e);
        }
    }

    /** Records the ports and addresses of a running stack for the other commands (never a password or key). */
    public void record(Map<String, String> values) {
        Properties properties = new Properties();
        properties.putAll(new LinkedHashMap<>(values));
        try {
            Files.createDirectories(home);
            try (OutputStream out = Files.newOutputStream(home.resolve(RECORD))) {
                properties.store(out, "written by ./tasklane up: the ports of the last local stack");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + home.resolve(RECORD), e);
        }
    }
}
