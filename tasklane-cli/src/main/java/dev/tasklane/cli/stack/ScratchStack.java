package dev.tasklane.cli.stack;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tasklane.cli.CliException;
import dev.tasklane.cli.Http;
import dev.tasklane.cli.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * A whole Tasklane stack of a command's own ({@code ./tasklane bench}, {@code ./tasklane chaos}): fresh data under
 * {@code target/<name>-<millis>}, free ports, the simulators for Google and Quo, none of the caller's TASKLANE_ or API
 * key variables; with what those commands need to drive it (a user's token, a database connection, the simulators'
 * controls, test data).
 */
public final class ScratchStack implements AutoCloseable {

    public static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newFixedThreadPool(32))
            .build();

    /**
     * Prefix of the queries a bench or chaos run makes itself (its polling): the bench's statement figures leave them
     * out, being about Tasklane.
     */
    public static final String OWN_QUERY = "/* bench */ ";

    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    public final Settings settings;
    public final LocalStack stack;
    public final String gateway;
    public final String user;
    public final Connection db;

    private ScratchStack(Settings settings, LocalStack stack, String gateway, String user, Connection db) {
        this.settings = settings;
        this.stack = stack;
        this.gateway = gateway;
        this.user = user;
        this.db = db;
    }

    /**
     * Starts the stack with {@code brokers} Kafka brokers (1 or 3) and {@code overrides} in every service's environment,
     * and waits until it is healthy.
     */
    public static ScratchStack start(String name, int brokers, Map<String, String> overrides)
            throws IOException, SQLException {
        return start(name, brokers, overrides, Map.of());
    }

    /** As {@link #start(String, int, Map)}, with {@code postgresSettings} given to its PostgreSQL server. */
    public static ScratchStack start(
            String name, int brokers, Map<String, String> overrides, Map<String, String> postgresSettings)
            throws IOException, SQLException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet()
                .removeIf(variable -> variable.startsWith("TASKLANE_") && !variable.equals("TASKLANE_ROOT")
                        || variable.startsWith("GOOGLE_MAPS_")
                        || variable.equals("QUO_API_KEY"));
        Path root = Path.of(env.getOrDefault("TASKLANE_ROOT", ".")).toAbsolutePath();
        Path home = Files.createDirectories(root.resolve("target")).resolve(name + "-" + System.currentTimeMillis());
        env.put("TASKLANE_HOME", home.toString());
        for (Settings.Port port : Settings.PORTS) {
            env.put(port.variable(), String.valueOf(freePort()));
        }
        env.put(Settings.KAFKA_BROKERS, String.valueOf(brokers));
        for (Settings.Port port :
                Settings.KAFKA_NODES.stream().flatMap(List::stream).toList()) {
            env.put(port.variable(), String.valueOf(freePort()));
        }
        Settings settings = new Settings(env);
        String prefix = String.format("%-18s| ", name);
        LocalStack stack = new LocalStack(settings, null, false, message -> System.err.println(prefix + message), false)
                .postgresSettings(postgresSettings);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, name + "-stop"));
        try {
            stack.start(overrides, Duration.ofMinutes(5));
            String user = Tokens.mint(Tokens.DEMO_USERS.get("user"), "user", Duration.ofHours(4), stack.secret());
            return new ScratchStack(settings, stack, settings.url(Settings.GATEWAY), user, connect(settings));
        } catch (IOException | SQLException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public static Connection connect(Settings settings) throws SQLException {
        return DriverManager.getConnection(
                settings.databaseUrl(), settings.databaseUser(), settings.databasePassword());
    }

    /** Calls a simulator's control API ({@code /_sim/mode}, {@code stats}, {@code reset}, {@code contacts}). */
    public JsonNode simulator(Settings.Port simulator, String action, String body) throws IOException {
        String url = settings.url(simulator) + "/_sim/" + action;
        Http.Answer answer = body == null && (action.equals("stats") || action.equals("contacts"))
                ? Http.get(url, null)
                : Http.post(url, null, body == null ? Map.of() : Http.JSON.readValue(body, LinkedHashMap.class));
        return answer.body();
    }

    /** Makes exactly {@code count} drivers active, adding bench drivers as needed; returns their home addresses. */
    public List<String> activeDrivers(int count) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.executeUpdate("UPDATE drivers SET active = false");
            statement.executeUpdate(
                    "INSERT INTO drivers (name, home_address) SELECT 'Bench Driver ' || n, n || ' Driver Way, "
                            + "Springfield, IL' FROM generate_series(1, " + count
                            + ") n WHERE NOT EXISTS (SELECT 1 FROM drivers "
                            + "WHERE name = 'Bench Driver ' || n)");
            statement.executeUpdate("UPDATE drivers SET active = true WHERE name IN (SELECT 'Bench Driver ' || n FROM "
                    + "generate_series(1, " + count + ") n)");
            List<String> homes = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT home_address FROM drivers WHERE active")) {
                while (rows.next()) {
                    homes.add(rows.getString(1));
                }
            }
            return homes;
        }
    }

    /** Inserts clients straight into the table (no tasks): the subjects of later address changes. */
    public List<UUID> insertClients(int count) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement insert =
                db.prepareStatement("INSERT INTO clients (id, name, address, created_by) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                insert.setObject(1, id);
                insert.setString(2, "Bench Client " + id.toString().substring(0, 8));
                insert.setString(3, address());
                insert.setObject(4, Tokens.DEMO_USERS.get("user"));
                insert.addBatch();
                ids.add(id);
            }
            insert.executeBatch();
        }
        return ids;
    }

    public OffsetDateTime now() throws SQLException {
        return now(db);
    }

    /** The database's clock: the times tasks carry are compared with it. */
    public static OffsetDateTime now(Connection db) throws SQLException {
        try (Statement statement = db.createStatement();
                ResultSet now = statement.executeQuery(OWN_QUERY + "SELECT now()")) {
            now.next();
            return now.getObject(1, OffsetDateTime.class);
        }
    }

    /** {@code POST /add-client} as the demo user, with a phone number so the Quo sync has work to do. */
    public HttpRequest addClientRequest(String name, String address) {
        return addClientRequest(user, name, address);
    }

    /** {@code POST /add-client} as the holder of {@code token}. */
    public HttpRequest addClientRequest(String token, String name, String address) {
        return HttpRequest.newBuilder(URI.create(gateway + "/add-client"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\": \"" + name + "\", \"phone\": \"+12175550188\", \"address\": \"" + address + "\"}"))
                .build();
    }

    /** {@code POST /update-client} as the demo user: a new address queues a drive-time task for the client. */
    public HttpRequest updateClientRequest(UUID client, String address) {
        return HttpRequest.newBuilder(URI.create(gateway + "/update-client"))
                .header("Authorization", "Bearer " + user)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"client_id\": \"" + client + "\", \"address\": \"" + address + "\"}"))
                .build();
    }

    public JsonNode addClient(String name, String address) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HTTP.send(addClientRequest(name, address), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new CliException("add-client answered " + response.statusCode() + ": " + response.body());
        }
        return Http.JSON.readTree(response.body());
    }

    public static String address() {
        return ADDRESSES.incrementAndGet() + " Bench St, Springfield, IL";
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            db.close();
        } finally {
            stack.close();
        }
    }
}
