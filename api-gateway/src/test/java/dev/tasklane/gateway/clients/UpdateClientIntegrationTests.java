package dev.tasklane.gateway.clients;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.tasklane.auth.Caller;
import dev.tasklane.auth.Role;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.gateway.GatewayIntegrationTest;
import dev.tasklane.gateway.GatewayRequests;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TestTopics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import tools.jackson.databind.JsonNode;

import static dev.tasklane.gateway.GatewayRequests.body;
import static dev.tasklane.gateway.GatewayRequests.queued;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An update queues exactly what the change needs. */
@GatewayIntegrationTest
class UpdateClientIntegrationTests {

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    private GatewayRequests gateway() {
        return new GatewayRequests(port, UUID.randomUUID());
    }

    /**
     * Every task ever queued for the client: still in the outbox, or already published by the relay. The outbox is
     * read first: a row the relay moves meanwhile is on Kafka before it leaves the outbox, so it is seen either way.
     */
    private Set<String> tasksQueuedFor(String clientId) {
        Set<String> ids = new HashSet<>(jdbc.queryForList(
                "SELECT message_key FROM outbox WHERE payload ->> 'entity_id' = ?", String.class, clientId));
        for (String taskType : List.of(TaskTypes.CALCULATE_DRIVE_TIMES, TaskTypes.SYNC_QUO)) {
            TestTopics.events(TaskTopics.requested(taskType), TaskRequested.class).stream()
                    .filter(request -> request.entityId().toString().equals(clientId))
                    .forEach(request -> ids.add(request.taskId().toString()));
        }
        return ids;
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "address | 2 New Rd, Springfield   | address | calculate_drive_times",
                "name    | Jane Q. Doe             | name    | sync_quo",
                "phone   | +1 646 555 0199         | phone   | sync_quo",
                "email   | jane.doe@example.org    | email   | sync_quo",
                "notes   | prefers morning rides   | notes   | ''"
            })
    void aChangeQueuesOnlyTheTaskItNeeds(String field, String value, String changedField, String expectedTask) {
        GatewayRequests gateway = gateway();
        String clientId = gateway.aClient("Jane Doe", "1 Main St, Springfield")
                .get("client_id")
                .asString();

        JsonNode answer = gateway.post("/update-client", body("client_id", clientId, field, value))
                .body();

        assertThat(answer.get("success").asBoolean()).isTrue();
        assertThat(answer.get("changed").get(0).asString()).isEqualTo(changedField);
        assertThat(queued(answer))
                .isEqualTo(expectedTask.isEmpty() ? java.util.List.of() : java.util.List.of(expectedTask));
    }

    @Test
    void anAddressAndANameChangeQueueBoth() {
        GatewayRequests gateway = gateway();
        String clientId = gateway.aClient("Ann", "1 A St").get("client_id").asString();

        JsonNode answer = gateway.post(
                        "/update-client", body("client_id", clientId, "name", "Anne", "address", "2 B St"))
                .body();

        assertThat(queued(answer)).containsExactly("calculate_drive_times", "sync_quo");
        assertThat(answer.get("message").asString())
                .isEqualTo("Client updated. Drive times and Quo sync processing in background.");
    }

    @Test
    void theSameValuesChangeNothingAndQueueNothing() {
        GatewayRequests gateway = gateway();
        String clientId = gateway.aClient("Bea", "3 C St").get("client_id").asString();
        Set<String> queuedBefore = tasksQueuedFor(clientId);

        JsonNode answer = gateway.post(
                        "/update-client",
                        body("client_id", clientId, "name", "  Bea  ", "address", "3 C St", "phone", "(212) 555-0123"))
                .body();

        assertThat(answer.get("changed").isEmpty()).isTrue();
        assertThat(queued(answer)).isEmpty();
        assertThat(answer.get("message").asString()).isEqualTo("Nothing changed.");
        assertThat(tasksQueuedFor(clientId)).isEqualTo(queuedBefore);
    }

    @Test
    void deactivatingQueuesNothingAndReactivatingQueuesDriveTimes() {
        GatewayRequests gateway = gateway();
        String clientId = gateway.aClient("Cal", "4 D St").get("client_id").asString();

        JsonNode off = gateway.post("/update-client", body("client_id", clientId, "active", false))
                .body();
        JsonNode on = gateway.post("/update-client", body("client_id", clientId, "active", true))
                .body();

        assertThat(queued(off)).isEmpty();
        assertThat(queued(on)).containsExactly("calculate_drive_times");
        assertThat(jdbc.queryForObject("SELECT active FROM clients WHERE id = ?::uuid", Boolean.class, clientId))
                .isTrue();
    }

    @Test
    void aRetriedUpdateWithTheSameKeyReplaysItsAnswerAndQueuesNothingMore() {
        GatewayRequests gateway = gateway();
        String clientId = gateway.aClient("Dee", "5 E St").get("client_id").asString();
        String key = UUID.randomUUID().toString();
        String change = body("client_id", clientId, "address", "6 F St");

        HttpJson.Response first = gateway.call("/update-client", change, key);
        Set<String> queued = tasksQueuedFor(clientId);
        HttpJson.Response retry = gateway.call("/update-client", change, key);

        assertThat(first.status()).isEqualTo(200);
        assertThat(queued(first.body())).containsExactly("calculate_drive_times");
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(queued)
                .contains(first.body()
                        .path("task_ids")
                        .path("calculate_drive_times")
                        .asString());
        assertThat(tasksQueuedFor(clientId)).isEqualTo(queued);
    }

    @Test
    void anUnknownOrMalformedClientIdIsAClearError() {
        HttpJson.Response unknown = gateway().post("/update-client", body("client_id", UUID.randomUUID(), "name", "X"));
        HttpJson.Response malformed = gateway().post("/update-client", body("client_id", "42", "name", "X"));
        HttpJson.Response blankName =
                gateway().post("/update-client", body("client_id", UUID.randomUUID(), "name", " "));

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("message").asString()).contains("There is no client");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().get("fields").has("client_id")).isTrue();
        assertThat(blankName.body().get("fields").get("name").asString()).isEqualTo("is required");
    }

    @Autowired
    ClientService clients;

    @Test
    void anUpdateRefusesToRunOutsideTheTransactionThatCommitsItsWrite() {
        // its FOR UPDATE lock would be released at once in autocommit, and two updates could both read the old client
        Caller caller = new Caller(UUID.randomUUID(), Role.USER, "Ada Admin");
        ClientRequest rename =
                new ClientRequest(UUID.randomUUID().toString(), "New Name", null, null, null, null, null);
        assertThatThrownBy(() -> clients.update(caller, rename)).isInstanceOf(IllegalTransactionStateException.class);
    }
}
