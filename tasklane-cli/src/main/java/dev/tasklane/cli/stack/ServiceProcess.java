package dev.tasklane.cli.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One Tasklane service run from its jar in a process of its own: its output goes to {@code .tasklane/logs/<name>.log}
 * and, each line prefixed with the service's name, to the console: every line, or only its warnings and errors.
 */
public final class ServiceProcess {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final int KEPT_LINES = 40;
    /** A warning or an error in Spring Boot's console format ({@code 12:00:00.000  WARN logger : message}). */
    private static final Pattern WARNING = Pattern.compile("^\\S+\\s+(WARN|ERROR)\\s");

    private final String name;
    private final int port;
    private final Process process;
    private final Deque<String> lastLines = new ArrayDeque<>();

    private ServiceProcess(String name, int port, Process process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    /**
     * @param fastStart compile with C1 only: each service is healthy seconds sooner, but runs slower once warm (for
     *                  the local stack and the tests; benchmarks leave it off)
     */
    static ServiceProcess start(
            String name,
            Path jar,
            int port,
            Map<String, String> environment,
            Path logs,
            PrintStream console,
            String color,
            boolean fastStart,
            boolean everyLine)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions(name, System.getenv("TASKLANE_SERVICE_JAVA_OPTIONS")));
        if (fastStart) {
            command.add("-XX:TieredStopAtLevel=1");
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        ServiceProcess service = new ServiceProcess(name, port, process);
        Files.createDirectories(logs);
        Path log = logs.resolve(name + ".log");
        Thread pump = new Thread(() -> service.pump(log, console, color, everyLine), name + "-output");
        pump.setDaemon(true);
        pump.start();
        return service;
    }

    /**
     * The JVM options of every service: a small heap and the serial collector, which on a service's heap of a few
     * hundred MB spends less CPU than G1 (no concurrent refinement and marking threads, cheaper write barriers) for
     * pauses of a few milliseconds; production's image sets the same collector (compose/Dockerfile), with its heap
     * sized from the container's memory limit instead.
     * The gateway is the exception: every open {@code /task-events} stream keeps Tomcat's buffers for its request,
     * about 90 KB live (10,000 dashboards: 900 MB), so it may grow to 2 GB and uses G1, whose young pauses stay short
     * with that much old data; the serial collector, at 1 GB, ran back-to-back full collections of 0.6–1.3 s with
     * 10,000 streams open (docs/benchmarks.md). {@code TASKLANE_SERVICE_JAVA_OPTIONS}, when set, replaces them.
     */
    static List<String> jvmOptions(String name, String override) {
        if (override != null && !override.isBlank()) {
            return List.of(override.strip().split("\\s+"));
        }
        if (name.startsWith("api-gateway")) {
            return List.of("-Xms64m", "-Xmx2g", "-XX:+UseG1GC");
        }
        return List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC");
    }

    /** Copies the output to the log file, and to the console every line or (not {@code everyLine}) warnings and errors. */
    private void pump(Path log, PrintStream console, String color, boolean everyLine) {
        String prefix =
                color.isEmpty() ? String.format("%-18s| ", name) : color + String.format("%-18s|", name) + "\u001b[0m ";
        try (BufferedReader lines =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter file = new PrintWriter(
                        Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (everyLine || WARNING.matcher(line).find()) {
                    console.println(prefix + line);
                }
                file.println(line);
                file.flush();
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    int exitCode() {
        return process.exitValue();
    }

    List<String> lastLines() {
        synchronized (lastLines) {
            return List.copyOf(lastLines);
        }
    }

    /** Whether {@code /actuator/health} answers {@code UP}. */
    boolean healthy() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills the service (SIGKILL), as a crash would, and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the service to stop (SIGTERM: Boot shuts down gracefully) without waiting. */
    public void requestStop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
    }

    /** Waits up to {@code timeout} for the process to end, then kills it and whatever it started. */
    public void awaitStop(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
