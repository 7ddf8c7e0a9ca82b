package dev.tasklane.cli.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.cli.RunningStack;
import dev.tasklane.cli.stack.Settings;
import dev.tasklane.events.TaskError;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskEventSerializer;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.testsupport.HttpJson;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check {@code ./tasklane chaos} ends every scenario with finds what it is there to find: a clean run is clean, and
 * a lost task, a lost drive-time row, a lost Quo contact and a task both completed and failed are each counted. Runs
 * before the crash tests, which kill the stack's own drive-time worker and ledger.
 */
@Order(4)
class TaskAuditTests {

    private final RunningStack stack = RunningStack.get();

    @Test
    void aCleanRunIsCleanAndEachKindOfDamageIsCounted() throws Exception {
        HttpJson gateway = stack.gateway();
        HttpJson quo = new HttpJson(stack.port(Settings.QUO_SIMULATOR));
        List<UUID> tasks = new ArrayList<>();
        List<String> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JsonNode added = gateway.post(
                            "/add-client",
                            stack.tokens.get("user"),
                            "{\"name\": \"Audit Client " + i + "\", \"phone\": \"+1217555020" + i
                                    + "\", \"address\": \"" + i + " Audit Rd, Springfield, IL\"}")
                    .body();
            clients.add(added.path("client_id").asString());
            added.path("task_ids").forEach(id -> tasks.add(UUID.fromString(id.asString())));
        }
        assertThat(tasks).hasSize(6);

        try (Connection db = stack.database()) {
            TaskAudit audit = new TaskAudit(
                    db,
                    "127.0.0.1:" + stack.port(Settings.KAFKA),
                    "http://127.0.0.1:" + stack.port(Settings.QUO_SIMULATOR));
            assertThat(audit.awaitTerminal(tasks, Duration.ofSeconds(60))).isPresent();
            TaskAudit.Result clean = audit.audit(tasks);
            assertThat(clean.clean()).as(clean.summary()).isTrue();
            assertThat(clean.completed()).isEqualTo(6);
            assertThat(clean.clients()).isEqualTo(3);

            try (PreparedStatement delete = db.prepareStatement(
                    "DELETE FROM client_drive_times WHERE client_id = ?::uuid "
                            + "AND driver_id = (SELECT driver_id FROM client_drive_times WHERE client_id = ?::uuid LIMIT 1)")) {
                delete.setString(1, clients.get(0));
                delete.setString(2, clients.get(0));
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
            String contact = null;
            for (JsonNode each : quo.get("/_sim/contacts", null).body().path("data")) {
                if (each.path("externalId").asString("").equals(clients.get(1))) {
                    contact = each.path("id").asString();
                }
            }
            assertThat(quo.call(
                                    "DELETE",
                                    "/v1/contacts/" + contact,
                                    Map.of("Authorization", Settings.QUO_SIMULATOR_KEY),
                                    null)
                            .status())
                    .isLessThan(300);
            UUID completedTask = tasks.get(4);
            TaskRef completed;
            try (PreparedStatement row = db.prepareStatement("SELECT task_type, entity_type, entity_id, entity_name, "
                    + "created_by, attempt FROM background_tasks WHERE id = ?")) {
                row.setObject(1, completedTask);
                try (java.sql.ResultSet found = row.executeQuery()) {
                    assertThat(found.next()).isTrue();
                    completed = new TaskRef(
                            completedTask,
                            found.getString(1),
                            found.getString(2),
                            found.getObject(3, UUID.class),
                            found.getString(4),
                            found.getObject(5, UUID.class),
                            found.getInt(6));
                }
            }
            // a well-formed event, so the ledger (and a rebuild of it, in a later test) folds it like any other
            try (KafkaProducer<String, TaskEvent> kafka = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + stack.port(Settings.KAFKA)),
                    new StringSerializer(),
                    new TaskEventSerializer())) {
                kafka.send(new ProducerRecord<>(
                                TaskTopics.STATUS,
                                completedTask.toString(),
                                TaskFailed.of(
                                        completed,
                                        "task-audit-tests",
                                        new TaskError(
                                                "Failed after it completed: damage for the audit to find.",
                                                "AUDIT_TEST",
                                                "worker",
                                                false))))
                        .get();
            }
            List<UUID> withALostTask = new ArrayList<>(tasks);
            withALostTask.add(UUID.randomUUID());

            TaskAudit.Result damaged = audit.audit(withALostTask);
            assertThat(damaged.clean()).isFalse();
            assertThat(damaged.missing())
                    .as("the task that never reached the ledger")
                    .isEqualTo(1);
            assertThat(damaged.rowsMissing()).as("the deleted drive-time row").isEqualTo(1);
            assertThat(damaged.contactsMissing()).as("the deleted Quo contact").isEqualTo(1);
            assertThat(damaged.conflicting())
                    .as("completed, then failed, in one attempt")
                    .isEqualTo(1);
        }
    }
}
