package dev.tasklane.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tasklane.cli.stack.LocalStack;
import dev.tasklane.cli.stack.Settings;
import dev.tasklane.testsupport.HttpJson;

import static org.awaitility.Awaitility.await;

/**
 * {@code ./tasklane up} run as a process, exactly as a newcomer runs it, on free ports and with its data in
 * {@code target/}: started once per test JVM and driven over HTTP only.
 */
public final class RunningStack {

    private static final Pattern TOKEN = Pattern.compile("^\\s{4}(user|supervisor|admin)\\s+(\\S+)$");
    private static RunningStack instance;

    final Path root = Path.of("..").toAbsolutePath().normalize();
    public final Path home;
    public final Map<String, String> environment = new LinkedHashMap<>();
    public final Map<String, String> tokens = new LinkedHashMap<>();
    public final List<String> output = new CopyOnWriteArrayList<>();
    public volatile Process process;

    private RunningStack() throws IOException {
        home = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "tasklane-home-");
        environment.put("TASKLANE_HOME", home.toString());
        environment.put("NO_COLOR", "1");
        List<Settings.Port> ports = new ArrayList<>(Settings.PORTS);
        ports.addAll(List.of(Settings.KAFKA, Settings.KAFKA_CONTROLLER));
        for (Settings.Port port : ports) {
            environment.put(port.variable(), String.valueOf(freePort()));
        }
        launch();
        Runtime.getRuntime().addShutdownHook(new Thread(this::forceStop, "tasklane-up-stop"));
    }

    /**
     * Runs {@code ./tasklane up} again, on the same data and ports, after the last one ended (killed, say), and waits
     * until it is running.
     */
    public void upAgain() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("./tasklane up is still running");
        }
        output.clear();
        tokens.clear();
        launch();
    }

    private void launch() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(root.resolve("tasklane").toString(), "up")
                .directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment()
                .keySet()
                .removeIf(name ->
                        name.startsWith("TASKLANE_") || name.equals("QUO_API_KEY") || name.startsWith("GOOGLE_MAPS_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        this.process = process;
        Thread reader = new Thread(() -> read(process), "tasklane-up-output");
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> tokens.size() == 3 || !process.isAlive());
        } catch (RuntimeException e) {
            throw new IllegalStateException("./tasklane up did not print its tokens; its output:\n" + tail(), e);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("./tasklane up exited with " + process.exitValue() + ":\n" + tail());
        }
    }

    public static synchronized RunningStack get() {
        if (instance == null) {
            try {
                instance = new RunningStack();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    private void read(Process process) {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.add(line);
                Matcher token = TOKEN.matcher(line);
                if (token.matches()) {
                    tokens.put(token.group(1), token.group(2));
                }
            }
        } catch (IOException e) {
            // the stack ended
        }
    }

    public int port(Settings.Port port) {
        return Integer.parseInt(environment.get(port.variable()));
    }

    public HttpJson gateway() {
        return new HttpJson(port(Settings.GATEWAY));
    }

    HttpJson distanceMatrixSimulator() {
        return new HttpJson(port(Settings.DISTANCE_MATRIX_SIMULATOR));
    }

    HttpJson quoSimulator() {
        return new HttpJson(port(Settings.QUO_SIMULATOR));
    }

    /** Runs another {@code ./tasklane} command against this stack and returns its exit code and output. */
    Result command(String... args) throws IOException, InterruptedException {
        return command(Map.of(), args);
    }

    /** As {@link #command(String...)}, with {@code environment} added to (or replacing) the stack's. */
    Result command(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("tasklane").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("TASKLANE_"));
        builder.environment().put("TASKLANE_HOME", home.toString());
        builder.environment().putAll(environment);
        Process run = builder.start();
        String text = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!run.waitFor(3, TimeUnit.MINUTES)) {
            run.destroyForcibly();
            throw new IllegalStateException("./tasklane " + String.join(" ", args) + " did not finish:\n" + text);
        }
        return new Result(run.exitValue(), text);
    }

    record Result(int exitCode, String output) {}

    /** The stack's PostgreSQL, as the services see it. */
    public java.sql.Connection database() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port(Settings.POSTGRES) + "/tasklane", "postgres", "");
    }

    /** Inserts {@code count} clients named {@code name 0…} straight into the database (no tasks) and returns their ids. */
    static List<java.util.UUID> insertClients(java.sql.Connection db, String name, int count)
            throws java.sql.SQLException {
        List<java.util.UUID> ids = new ArrayList<>();
        try (java.sql.PreparedStatement insert =
                db.prepareStatement("INSERT INTO clients (id, name, address) VALUES (?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                java.util.UUID id = java.util.UUID.randomUUID();
                insert.setObject(1, id);
                insert.setString(2, name + " " + i);
                insert.setString(3, i + " " + name + " St, Springfield, IL");
                insert.executeUpdate();
                ids.add(id);
            }
        }
        return ids;
    }

    /** The running process of one of the stack's services, found by its jar. */
    ProcessHandle service(String module) {
        return process.descendants()
                .filter(child -> child.info().commandLine().orElse("").contains("/" + module + "/target/"))
                .findFirst()
                .orElseThrow();
    }

    /**
     * Starts another instance of {@code module} against this stack's database and broker, outside {@code ./tasklane
     * up} (which does not restart what dies): as an operator would after a crash. With {@code TASKLANE_INSTANCE_ID}
     * set to the name {@code ./tasklane up} gave the dead instance, it is that instance restarted; without, a new one.
     * The caller stops it.
     */
    Process startInstance(String module, Map<String, String> settings) throws IOException {
        Path jar = LocalStack.jars(root).get(module);
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(
                        home.resolve("logs/" + module + "-restarted.log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("TASKLANE_"));
        builder.environment()
                .put("TASKLANE_DB_URL", "jdbc:postgresql://127.0.0.1:" + port(Settings.POSTGRES) + "/tasklane");
        builder.environment().put("TASKLANE_DB_USER", "postgres");
        builder.environment().put("TASKLANE_KAFKA_BOOTSTRAP", "127.0.0.1:" + port(Settings.KAFKA));
        builder.environment().putAll(settings);
        return builder.start();
    }

    static void stop(Process instance) throws InterruptedException {
        if (instance != null) {
            instance.destroy();
            if (!instance.waitFor(30, TimeUnit.SECONDS)) {
                instance.destroyForcibly().waitFor();
            }
        }
    }

    String tail() {
        List<String> lines = List.copyOf(output);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /**
     * Whatever ended the tests, leave nothing behind at once: the stack's processes, and PostgreSQL, which may run
     * detached from them (its watchdog would stop them too, within seconds; this does not wait for it).
     */
    private void forceStop() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        ProcessHandle.allProcesses()
                .filter(other -> other.info().commandLine().orElse("").contains(home.toString()))
                .forEach(ProcessHandle::destroyForcibly);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
