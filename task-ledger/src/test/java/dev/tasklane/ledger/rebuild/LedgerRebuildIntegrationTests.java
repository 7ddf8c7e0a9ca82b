package dev.tasklane.ledger.rebuild;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.ledger.LedgerFixture;
import dev.tasklane.ledger.LedgerIntegrationTest;
import dev.tasklane.ledger.TaskEvents;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TestKafka;
import dev.tasklane.testsupport.TestTokens;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Replaying the topics into an empty table gives back the live table, dismissals and retries included. */
@LedgerIntegrationTest
class LedgerRebuildIntegrationTests {

    /** Every column but the two the database stamps at write time. */
    private static final String SNAPSHOT =
            "SELECT id, entity_type, entity_id, entity_name, task_type, status, attempt, "
                    + "payload::text, result::text, error_message, error_code, error_source, error_retryable, worker, created_by, "
                    + "created_at, started_at, completed_at, failed_at, dismissed_at, dismissed_by, created_by_name, attempt_at, "
                    + "waiting_since, waiting_for, resolution, resolved_by FROM background_tasks";

    /** The failure history and the incidents of one cause, every column but the database's write stamps. */
    private static final String FAILURES = "SELECT task_id AS id, attempt, source, error_code, task_type, entity_type, "
            + "entity_id, entity_name, created_by, created_by_name, error_message, failed_at, left_at, left_how, incident_id "
            + "FROM task_failures WHERE error_code = ? ORDER BY task_id, attempt";

    private static final String INCIDENTS =
            "SELECT id, task_type, source, error_code, title, advice, state, first_seen, "
                    + "last_seen, resolved_at, regressed_at, failures, open_failures FROM task_incidents WHERE error_code = ? "
                    + "ORDER BY id";

    /**
     * Rows changed through the old SQL functions have their events waiting in the outbox for the gateway's relay,
     * which this module does not run: they reach the log, and a rebuild, once relayed.
     */
    private static final String FROM_EVENTS = " WHERE id::text NOT IN (SELECT message_key FROM outbox)";

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    LedgerRebuild rebuild;

    @LocalServerPort
    int port;

    @Test
    void theRebuiltTableEqualsTheLiveOne() throws Exception {
        LedgerFixture ledger = new LedgerFixture(kafka, jdbc);
        HttpJson client = new HttpJson(port);
        UUID owner = UUID.randomUUID();
        Instant t0 = Instant.now().minusSeconds(30);

        TaskEvents completed = TaskEvents.aTask(owner);
        ledger.publish(
                completed.completed(t0.plusSeconds(3)), completed.started(t0.plusSeconds(1)), completed.requested(t0));
        TaskEvents dismissed = ledger.aFailedTask(owner);
        client.post(
                "/dismiss-task", TestTokens.supervisor(UUID.randomUUID()), "{\"task_id\": \"" + dismissed.id() + "\"}");
        TaskEvents retried = ledger.aFailedTask(owner);
        client.post("/retry-task", TestTokens.user(owner), "{\"task_id\": \"" + retried.id() + "\"}");
        ledger.publish(
                retried.attempt(2).started(Instant.now()), retried.attempt(2).completed(Instant.now()));
        TaskEvents stillFailed = ledger.aFailedTask(owner);
        // an incident with a superseded failure, a regression, a retried failure and a waiting task
        String cause = "REBUILD_" + UUID.randomUUID().toString().substring(0, 8);
        UUID janeDoe = UUID.randomUUID();
        TaskEvents first = TaskEvents.aTaskFor(owner, "sync_quo", janeDoe, "Jane Doe");
        TaskEvents later = TaskEvents.aTaskFor(owner, "sync_quo", janeDoe, "Jane Doe");
        TaskEvents regression = TaskEvents.aTaskFor(owner, "sync_quo", UUID.randomUUID(), "Joe Bloggs");
        TaskEvents waiting = TaskEvents.aTaskFor(owner, "calculate_drive_times", janeDoe, "Jane Doe");
        ledger.publish(
                first.requested(t0),
                first.failedWith(t0.plusSeconds(1), "quo", cause),
                later.started(t0.plusSeconds(2)),
                later.completed(t0.plusSeconds(3)),
                later.requested(t0.plusSeconds(2)),
                regression.requested(t0.plusSeconds(4)),
                regression.failedWith(t0.plusSeconds(5), "quo", cause),
                waiting.requested(t0),
                waiting.waiting(t0.plusSeconds(1), "google_maps"));
        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> "regressed"
                        .equals(jdbc.queryForObject(
                                "SELECT max(state) FROM task_incidents WHERE error_code = ?", String.class, cause)));
        client.post("/retry-task", TestTokens.user(owner), "{\"task_id\": \"" + regression.id() + "\"}");
        ledger.publish(regression.attempt(2).failedWith(t0.plusSeconds(8), "quo", cause));
        ledger.awaitRow(regression.id(), "failed", 2);
        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> jdbc.queryForObject(
                                "SELECT failures FROM task_incidents WHERE error_code = ?", Integer.class, cause)
                        == 3);
        List<Map<String, Object>> liveFailures = jdbc.queryForList(FAILURES, cause);
        List<Map<String, Object>> liveIncidents = jdbc.queryForList(INCIDENTS, cause);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(
                            TaskTopics.STATUS, UUID.randomUUID().toString(), "not json"))
                    .get();
        }
        ledger.awaitRow(completed.id(), "completed", 1);
        ledger.awaitRow(retried.id(), "completed", 2);
        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> ledger.row(dismissed.id()).get("dismissed_at") != null);
        List<Map<String, Object>> live = jdbc.queryForList(SNAPSHOT + FROM_EVENTS + " ORDER BY id");

        LedgerRebuild.Result result = rebuild.rebuild();

        List<Map<String, Object>> rebuilt = jdbc.queryForList(SNAPSHOT + FROM_EVENTS + " ORDER BY id");
        assertThat(differences(live, rebuilt)).isEmpty();
        assertThat(differences(liveFailures, jdbc.queryForList(FAILURES, cause)))
                .isEmpty();
        assertThat(differences(liveIncidents, jdbc.queryForList(INCIDENTS, cause)))
                .isEmpty();
        assertThat(liveFailures)
                .hasSize(3)
                .extracting(row -> row.get("left_how"))
                .contains("superseded", "retried");
        assertThat(ledger.row(waiting.id()).get("waiting_since")).isNotNull();
        assertThat(rebuilt)
                .extracting(row -> row.get("id"))
                .contains(completed.id(), dismissed.id(), retried.id(), stillFailed.id());
        assertThat(ledger.row(dismissed.id()).get("dismissed_at"))
                .as("a dismissal survives a rebuild")
                .isNotNull();
        assertThat(result.skipped()).isGreaterThanOrEqualTo(1);
        assertThat(result.topics()).contains(TaskTopics.STATUS, TaskTopics.requested("sync_quo"));
    }

    /** The command an operator runs ({@code java -jar task-ledger.jar rebuild}) starts without a web server. */
    @Test
    void theRebuildCommandRunsWithoutAWebServer() {
        LedgerFixture ledger = new LedgerFixture(kafka, jdbc);
        TaskEvents failed = ledger.aFailedTask(UUID.randomUUID());
        Object writtenLive = ledger.row(failed.id()).get("updated_at");

        org.springframework.boot.SpringApplication command =
                dev.tasklane.ledger.TaskLedgerApplication.application("rebuild");
        try (org.springframework.context.ConfigurableApplicationContext context = command.run(
                "rebuild",
                "--spring.datasource.url=" + environment.getRequiredProperty("spring.datasource.url"),
                "--spring.datasource.username=" + environment.getRequiredProperty("spring.datasource.username"),
                "--spring.datasource.password=" + environment.getProperty("spring.datasource.password", ""),
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "--tasklane.security.jwt.secret=" + TestTokens.SECRET,
                "--spring.main.banner-mode=off")) {
            assertThat(context)
                    .isNotInstanceOf(org.springframework.boot.web.server.context.WebServerApplicationContext.class);
        }
        Map<String, Object> rebuilt = ledger.row(failed.id());
        assertThat(rebuilt.get("status")).isEqualTo("failed");
        assertThat(rebuilt.get("updated_at"))
                .as("the row was written again from the topics")
                .isNotEqualTo(writtenLive);
    }

    @Autowired
    org.springframework.core.env.Environment environment;

    /** Per task, what the rebuilt row has that the live one had not: "id: column live -> rebuilt". */
    private static List<String> differences(List<Map<String, Object>> live, List<Map<String, Object>> rebuilt) {
        Map<Object, Map<String, Object>> before = new java.util.LinkedHashMap<>();
        live.forEach(row -> before.put(row.get("id"), row));
        Map<Object, Map<String, Object>> after = new java.util.LinkedHashMap<>();
        rebuilt.forEach(row -> after.put(row.get("id"), row));
        List<String> differences = new java.util.ArrayList<>();
        before.forEach((id, row) -> {
            Map<String, Object> other = after.get(id);
            if (other == null) {
                differences.add(id + ": missing after the rebuild (" + row + ")");
                return;
            }
            row.forEach((column, value) -> {
                if (!java.util.Objects.equals(value, other.get(column))) {
                    differences.add(id + ": " + column + " " + value + " -> " + other.get(column));
                }
            });
        });
        after.keySet().stream()
                .filter(id -> !before.containsKey(id))
                .forEach(id -> differences.add(id + ": only after the rebuild (" + after.get(id) + ")"));
        return differences;
    }
}
