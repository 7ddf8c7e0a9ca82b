package dev.tasklane.cli.chaos;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.tasklane.cli.Http;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;

/**
 * The check every chaos scenario ends with, over the tasks it requested: each reached exactly one terminal state (the
 * ledger row is {@code completed} or {@code failed}, and {@code task.status} never carries both a completion and a
 * failure for one attempt), no client has two Quo contacts, and every client's drive times have exactly one row per
 * active driver.
 */
final class TaskAudit {

    static final String DRIVE_TIMES = "calculate_drive_times";
    static final String QUO = "sync_quo";

    /**
     * @param missing         requested tasks without a terminal row in the ledger (lost, or still running)
     * @param conflicting     task attempts with both a {@code TaskCompleted} and a {@code TaskFailed} on {@code task.status}
     * @param redelivered     terminal events published more than once for one attempt (harmless: the ledger folds them)
     * @param contactsTwice   clients with more than one Quo contact
     * @param contactsMissing clients whose Quo sync completed but who have no Quo contact
     * @param rowsMissing     driver/client pairs without a drive-time row after the client's task completed
     * @param failures        the messages of the failed tasks, a few of them
     */
    record Result(
            int tasks,
            int completed,
            int failed,
            int missing,
            int conflicting,
            int redelivered,
            int clients,
            int contactsTwice,
            int contactsMissing,
            int rowsMissing,
            List<String> failures) {

        /** Nothing lost, nothing duplicated, nothing failed. */
        boolean clean() {
            return failed == 0
                    && missing == 0
                    && conflicting == 0
                    && contactsTwice == 0
                    && contactsMissing == 0
                    && rowsMissing == 0;
        }

        String summary() {
            return String.format(
                    "%d tasks: %d completed, %d failed, %d lost or unfinished, %d with two terminal states "
                            + "(%d terminal events delivered twice, folded); %d clients: %d with two Quo contacts, %d without "
                            + "one, %d drive-time rows missing",
                    tasks,
                    completed,
                    failed,
                    missing,
                    conflicting,
                    redelivered,
                    clients,
                    contactsTwice,
                    contactsMissing,
                    rowsMissing);
        }
    }

    private final Connection db;
    private final String kafkaBootstrap;
    private final String quoSimulator;

    /** @param quoSimulator the Quo simulator's base URL, whose contacts are checked; {@code null} skips that check */
    TaskAudit(Connection db, String kafkaBootstrap, String quoSimulator) {
        this.db = db;
        this.kafkaBootstrap = kafkaBootstrap;
        this.quoSimulator = quoSimulator;
    }

    /** Waits until every task has a terminal row in the ledger; returns how long that took, or empty on timeout. */
    Optional<Duration> awaitTerminal(Collection<UUID> tasks, Duration timeout)
            throws SQLException, InterruptedException {
        Instant started = Instant.now();
        Instant deadline = started.plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (terminalRows(tasks).size() == tasks.size()) {
                return Optional.of(Duration.between(started, Instant.now()));
            }
            Thread.sleep(250);
        }
        return Optional.empty();
    }

    Result audit(Collection<UUID> tasks) throws SQLException, IOException {
        Map<UUID, Row> rows = terminalRows(tasks);
        int completed = 0;
        int failed = 0;
        List<String> failures = new ArrayList<>();
        Set<UUID> driveTimeClients = new HashSet<>();
        Set<UUID> quoClients = new HashSet<>();
        for (Row row : rows.values()) {
            if (row.status().equals("completed")) {
                completed++;
                (row.type().equals(DRIVE_TIMES) ? driveTimeClients : quoClients).add(row.entity());
            } else {
                failed++;
                if (failures.size() < 5) {
                    failures.add(row.type() + " " + row.id() + ": " + row.error());
                }
            }
        }
        int[] events = terminalEvents(new HashSet<>(tasks));
        Set<UUID> clients = new HashSet<>(driveTimeClients);
        clients.addAll(quoClients);
        int[] contacts = quoSimulator == null ? new int[2] : contacts(quoClients);
        return new Result(
                tasks.size(),
                completed,
                failed,
                tasks.size() - rows.size(),
                events[0],
                events[1],
                clients.size(),
                contacts[0],
                contacts[1],
                missingDriveTimeRows(driveTimeClients),
                failures);
    }

    private record Row(UUID id, String type, UUID entity, String status, String error) {}

    private Map<UUID, Row> terminalRows(Collection<UUID> tasks) throws SQLException {
        Map<UUID, Row> rows = new HashMap<>();
        try (PreparedStatement query = db.prepareStatement("SELECT id, task_type, entity_id, status, error_message "
                + "FROM background_tasks WHERE id = ANY (?) AND status IN ('completed', 'failed')")) {
            Array ids = db.createArrayOf("uuid", tasks.toArray());
            query.setArray(1, ids);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    UUID id = result.getObject(1, UUID.class);
                    rows.put(
                            id,
                            new Row(
                                    id,
                                    result.getString(2),
                                    result.getObject(3, UUID.class),
                                    result.getString(4),
                                    result.getString(5)));
                }
            }
        }
        return rows;
    }

    /** Reads {@code task.status} from the beginning: [attempts with two terminal states, terminal events repeated]. */
    private int[] terminalEvents(Set<UUID> tasks) {
        Map<String, Set<String>> statesByAttempt = new HashMap<>();
        int terminalEvents = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafkaBootstrap,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        5000),
                new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("task.status").stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    if (record.key() == null || record.value() == null || !tasks.contains(parse(record.key()))) {
                        continue;
                    }
                    JsonNode event = Http.JSON.readTree(record.value());
                    String type = event.path("event_type").asString();
                    if (type.equals("TaskCompleted") || type.equals("TaskFailed")) {
                        terminalEvents++;
                        statesByAttempt
                                .computeIfAbsent(
                                        record.key() + "/"
                                                + event.path("attempt").asInt(),
                                        attempt -> new HashSet<>())
                                .add(type);
                    }
                }
            }
        }
        int distinct = statesByAttempt.values().stream().mapToInt(Set::size).sum();
        int conflicting = (int) statesByAttempt.values().stream()
                .filter(states -> states.size() > 1)
                .count();
        return new int[] {conflicting, terminalEvents - distinct};
    }

    private static UUID parse(String key) {
        try {
            return UUID.fromString(key);
        } catch (IllegalArgumentException notATask) {
            return null;
        }
    }

    /** [clients with two or more contacts, clients with none], from the simulator's contacts by external id. */
    private int[] contacts(Set<UUID> clients) throws IOException {
        Map<String, Integer> byClient = new HashMap<>();
        for (JsonNode contact :
                Http.get(quoSimulator + "/_sim/contacts", null).body().path("data")) {
            byClient.merge(contact.path("externalId").asString(""), 1, Integer::sum);
        }
        int twice = 0;
        int none = 0;
        for (UUID client : clients) {
            int count = byClient.getOrDefault(client.toString(), 0);
            twice += count > 1 ? 1 : 0;
            none += count == 0 ? 1 : 0;
        }
        return new int[] {twice, none};
    }

    private int missingDriveTimeRows(Set<UUID> clients) throws SQLException {
        if (clients.isEmpty()) {
            return 0;
        }
        try (PreparedStatement query =
                db.prepareStatement("SELECT coalesce(sum(d.drivers - coalesce(r.rows, 0)), 0) FROM "
                        + "unnest(?::uuid[]) c(id) CROSS JOIN (SELECT count(*) drivers FROM drivers WHERE active) d "
                        + "LEFT JOIN (SELECT client_id, count(*) rows FROM client_drive_times t JOIN drivers v ON v.id = t.driver_id "
                        + "AND v.active GROUP BY client_id) r ON r.client_id = c.id")) {
            query.setArray(1, db.createArrayOf("uuid", clients.toArray()));
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }
}
