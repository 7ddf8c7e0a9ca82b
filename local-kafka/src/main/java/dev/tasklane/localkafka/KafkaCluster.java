package dev.tasklane.localkafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * Kafka on this machine as one node or as a cluster of several combined broker and controller nodes (KRaft, every node
 * a controller voter, as Kafka's documentation suggests for a development cluster), each a {@link KafkaBrokerProcess}
 * of its own that can be killed and started again with its data. A cluster is formatted once, every node with the same
 * cluster id and the same initial controllers ({@code StorageTool format --initial-controllers}: a dynamic quorum);
 * on three nodes its topics get three replicas and {@code min.insync.replicas=2}.
 */
public final class KafkaCluster implements AutoCloseable {

    /** Where one node listens: its brokers' port (clients) and its controller's port (the quorum). */
    public record Ports(int broker, int controller) {}

    private final List<KafkaBrokerProcess> nodes;

    private KafkaCluster(List<KafkaBrokerProcess> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * The Kafka kept in {@code directory} on {@code ports} (node {@code i + 1} on {@code ports.get(i)}), formatted on
     * first use, node {@code n} logging to {@code log.apply(n)}; not started yet. One node keeps its data in
     * {@code directory} itself, as {@link KafkaBrokerProcess#in} does; several in {@code directory/node-<n>}.
     */
    public static KafkaCluster in(Path directory, List<Ports> ports, IntFunction<Path> log) {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("A Kafka cluster needs one node at least");
        }
        if (ports.size() == 1) {
            return new KafkaCluster(List.of(KafkaBrokerProcess.in(
                    directory, ports.get(0).broker(), ports.get(0).controller(), log.apply(1))));
        }
        List<String> controllers =
                ports.stream().map(node -> "127.0.0.1:" + node.controller()).toList();
        try {
            List<KafkaBrokerProcess> nodes = new ArrayList<>();
            for (int i = 0; i < ports.size(); i++) {
                nodes.add(new KafkaBrokerProcess(
                        directory.resolve("node-" + (i + 1)),
                        i + 1,
                        ports.get(i).broker(),
                        ports.get(i).controller(),
                        controllers,
                        log.apply(i + 1)));
            }
            format(directory, nodes, ports);
            return new KafkaCluster(nodes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new cluster of {@code size} nodes in a fresh directory under {@code target/}, on free ports, started. */
    public static KafkaCluster startNew(int size) {
        try {
            Path directory = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "kafka-cluster-");
            List<Ports> ports = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                ports.add(new Ports(KafkaBrokerProcess.freePort(), KafkaBrokerProcess.freePort()));
            }
            KafkaCluster cluster = in(directory, ports, node -> directory.resolve("node-" + node + ".log"));
            // the nodes must not outlive the JVM that started them, whatever ends that JVM
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::kill, "kafka-cluster-kill"));
            cluster.start();
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void format(Path directory, List<KafkaBrokerProcess> nodes, List<Ports> ports) throws IOException {
        List<KafkaBrokerProcess> unformatted =
                nodes.stream().filter(node -> !node.formatted()).toList();
        if (unformatted.isEmpty()) {
            return;
        }
        if (unformatted.size() != nodes.size()) {
            throw new IllegalStateException("Some nodes of the Kafka cluster in " + directory + " have lost their data "
                    + "while others kept it; delete " + directory + " to start a new, empty cluster");
        }
        String clusterId = Uuid.randomUuid().toString();
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            voters.add((i + 1) + "@127.0.0.1:" + ports.get(i).controller() + ":" + Uuid.randomUuid());
        }
        for (KafkaBrokerProcess node : nodes) {
            node.format("--cluster-id", clusterId, "--initial-controllers", String.join(",", voters));
        }
    }

    /** Starts every node that is not running and waits until each answers. */
    public void start() {
        List<KafkaBrokerProcess> launched =
                nodes.stream().filter(KafkaBrokerProcess::launch).toList();
        launched.forEach(node -> node.awaitReady(KafkaBrokerProcess.READY_TIMEOUT));
    }

    /** Node {@code id} (1, 2, 3…), to kill and start again. */
    public KafkaBrokerProcess node(int id) {
        return nodes.get(id - 1);
    }

    public List<KafkaBrokerProcess> nodes() {
        return nodes;
    }

    public int size() {
        return nodes.size();
    }

    /** Every node's address, comma-separated: what the services are given as {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return nodes.stream().map(KafkaBrokerProcess::bootstrapServers).collect(Collectors.joining(","));
    }

    /** The node that is the active controller now (the leader of the metadata quorum). */
    public int activeController() {
        try (Admin admin = admin()) {
            return admin.describeMetadataQuorum()
                    .quorumInfo()
                    .get(10, TimeUnit.SECONDS)
                    .leaderId();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not ask the Kafka cluster for its active controller", e);
        }
    }

    /** The partitions of every topic (internal ones too) with fewer replicas in sync than assigned, as topic-partition. */
    public List<String> underReplicatedPartitions() {
        try (Admin admin = admin()) {
            return underReplicatedPartitions(admin);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not describe the Kafka cluster's topics", e);
        }
    }

    /**
     * The partitions of every topic (internal ones too) of the cluster {@code admin} talks to with fewer replicas in
     * sync than assigned, as topic-partition: what {@code ./tasklane status} reports.
     */
    public static List<String> underReplicatedPartitions(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        var names = admin.listTopics(new ListTopicsOptions().listInternal(true))
                .names()
                .get(10, TimeUnit.SECONDS);
        Map<String, TopicDescription> topics =
                admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
        List<String> under = new ArrayList<>();
        topics.values().forEach(topic -> {
            for (TopicPartitionInfo partition : topic.partitions()) {
                if (partition.isr().size() < partition.replicas().size()) {
                    under.add(topic.name() + "-" + partition.partition());
                }
            }
        });
        return under.stream().sorted().toList();
    }

    /**
     * Waits until no partition is under-replicated (a restarted node has caught up and is back in every ISR); how long
     * that took, or empty if it did not happen within {@code timeout}.
     */
    public Optional<Duration> awaitFullyReplicated(Duration timeout) {
        Instant started = Instant.now();
        Instant deadline = started.plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (underReplicatedPartitions().isEmpty()) {
                    return Optional.of(Duration.between(started, Instant.now()));
                }
            } catch (IllegalStateException notAnsweringYet) {
                // a node just restarted: ask again
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Stops every node cleanly, all at once (one by one, the last ones would wait for a quorum already gone). */
    public void stop() {
        nodes.forEach(KafkaBrokerProcess::requestStop);
        nodes.forEach(KafkaBrokerProcess::stop);
    }

    /** SIGKILLs every node. */
    public void kill() {
        nodes.forEach(KafkaBrokerProcess::kill);
    }

    @Override
    public void close() {
        kill();
    }

    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5000));
    }
}
