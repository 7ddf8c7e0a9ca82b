package dev.tasklane.localkafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, combined broker and controller: a cluster of its own, or one node of a
 * {@link KafkaCluster}) in a process of its own, run from the jars on this JVM's classpath ({@code kafka_2.13}). Its data directory survives a restart, so what it held is still there
 * afterwards, on the same port. The local stack keeps it under {@code .tasklane/kafka}; tests that stop, kill and
 * restart Kafka use {@link #startNew()}.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    /** How long a starting broker may take to answer. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final Path directory;
    private final int port;
    private final Path log;
    private volatile Process process;

    private KafkaBrokerProcess(Path directory, int port, int controllerPort, Path log) throws IOException {
        this(directory, 1, port, controllerPort, List.of("127.0.0.1:" + controllerPort), log);
        if (!formatted()) {
            format("--standalone", "-t", Uuid.randomUuid().toString());
        }
    }

    /**
     * One node of a cluster of {@code controllers.size()} combined broker and controller nodes, not formatted yet
     * ({@link KafkaCluster} formats them together). On three nodes or more, every topic created without settings of its
     * own and the internal topics get three replicas and {@code min.insync.replicas=2}: a write acknowledged by
     * {@code acks=all} is on two brokers at least, and one broker may die without a write being refused.
     */
    KafkaBrokerProcess(Path directory, int nodeId, int port, int controllerPort, List<String> controllers, Path log)
            throws IOException {
        this.directory = directory;
        this.port = port;
        this.log = log;
        int replicas = Math.min(3, controllers.size());
        int minInSync = replicas >= 3 ? 2 : 1;
        Files.createDirectories(directory);
        Files.writeString(
                directory.resolve("server.properties"),
                String.join(
                                "\n",
                                List.of(
                                        "process.roles=broker,controller",
                                        "node.id=" + nodeId,
                                        "controller.quorum.bootstrap.servers=" + String.join(",", controllers),
                                        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:"
                                                + controllerPort,
                                        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                                        "controller.listener.names=CONTROLLER",
                                        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                                        "inter.broker.listener.name=PLAINTEXT",
                                        "log.dirs=" + directory.resolve("data"),
                                        "num.partitions=6",
                                        "default.replication.factor=" + replicas,
                                        "min.insync.replicas=" + minInSync,
                                        "offsets.topic.replication.factor=" + replicas,
                                        "transaction.state.log.replication.factor=" + replicas,
                                        "transaction.state.log.min.isr=" + minInSync,
                                        "share.coordinator.state.topic.replication.factor=" + replicas,
                                        "share.coordinator.state.topic.min.isr=" + minInSync,
                                        "group.initial.rebalance.delay.ms=0"))
                        + "\n");
    }

    /** Formats a new broker in a fresh directory under {@code target/}, on free ports, and starts it. */
    public static KafkaBrokerProcess startNew() {
        try {
            Path directory = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "kafka-broker-");
            KafkaBrokerProcess broker =
                    new KafkaBrokerProcess(directory, freePort(), freePort(), directory.resolve("broker.log"));
            // the broker must not outlive the JVM that started it, whatever ends that JVM
            Runtime.getRuntime().addShutdownHook(new Thread(broker::kill, "kafka-broker-process-kill"));
            broker.start();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The broker kept in {@code directory} (formatted on first use), listening on {@code port} with its controller on
     * {@code controllerPort}, logging to {@code log}. Not started yet.
     */
    public static KafkaBrokerProcess in(Path directory, int port, int controllerPort, Path log) {
        try {
            return new KafkaBrokerProcess(directory, port, controllerPort, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The operating system's process of the running broker, if any. */
    public synchronized java.util.Optional<ProcessHandle> handle() {
        return process != null && process.isAlive()
                ? java.util.Optional.of(process.toHandle())
                : java.util.Optional.empty();
    }

    /**
     * Starts the broker (again) and waits until it answers: up to {@link #READY_TIMEOUT}, as a restarted node of a
     * cluster took 42 s to answer on a 2-CPU machine shared with other builds, and more than a minute once.
     */
    public synchronized void start() {
        if (launch()) {
            awaitReady(READY_TIMEOUT);
        }
    }

    /**
     * Starts the process without waiting for it to answer: a node of a cluster answers only once a majority of the
     * controllers runs, so {@link KafkaCluster} launches them all before it waits. False if it was running already.
     */
    synchronized boolean launch() {
        if (process != null && process.isAlive()) {
            return false;
        }
        try {
            Files.createDirectories(log.getParent());
            process = java("kafka.Kafka", directory.resolve("server.properties").toString())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Kafka broker", e);
        }
        return true;
    }

    /** Stops the broker abruptly, like a crash or a pulled cable: SIGKILL. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit();
        }
    }

    /** Asks the broker to stop (SIGTERM) without waiting: {@link KafkaCluster} stops its nodes all at once. */
    void requestStop() {
        Process running = process;
        if (running != null) {
            running.destroy();
        }
    }

    /** Stops the broker cleanly: SIGTERM, then SIGKILL if it has not stopped within a minute. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            waitForExit();
        }
    }

    @Override
    public void close() {
        kill();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The Kafka broker exited; see " + log);
            }
            if (portOpen()) {
                try (AdminClient admin = AdminClient.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers(),
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        5000,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        5000))) {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    // not ready yet
                }
            }
            sleep(200);
        }
        throw new IllegalStateException("The Kafka broker did not become ready within " + timeout + "; see " + log);
    }

    private boolean portOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether this node's data directory has been formatted (it then keeps its cluster id and data for good). */
    boolean formatted() {
        return Files.exists(directory.resolve("data").resolve("meta.properties"));
    }

    /** Formats the data directory with {@code StorageTool format} and {@code options} (cluster id, controllers). */
    void format(String... options) throws IOException {
        List<String> args = new ArrayList<>(
                List.of("format", "-c", directory.resolve("server.properties").toString()));
        args.addAll(List.of(options));
        run("kafka.tools.StorageTool", args.toArray(String[]::new));
    }

    private void run(String mainClass, String... args) throws IOException {
        Path output = directory.resolve("format.log");
        Process tool = java(mainClass, args)
                .redirectOutput(output.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
                throw new IllegalStateException(mainClass + " failed; see " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ProcessBuilder java(String mainClass, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(
                List.of(java, "-Xms128m", "-Xmx512m", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(new File("."));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
