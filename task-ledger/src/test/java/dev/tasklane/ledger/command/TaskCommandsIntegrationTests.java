package dev.tasklane.ledger.command;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tasklane.events.TaskDismissed;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.ledger.LedgerFixture;
import dev.tasklane.ledger.LedgerIntegrationTest;
import dev.tasklane.ledger.TaskEvents;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TestTokens;
import dev.tasklane.testsupport.TestTopics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@LedgerIntegrationTest
class TaskCommandsIntegrationTests {

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    private LedgerFixture ledger() {
        return new LedgerFixture(kafka, jdbc);
    }

    private HttpJson client() {
        return new HttpJson(port);
    }

    private static String body(UUID taskId) {
        return "{\"task_id\": \"" + taskId + "\"}";
    }

    @Test
    void dismissingRecordsAnEventAndHidesTheFailureAtOnce() {
        UUID owner = UUID.randomUUID();
        TaskEvents task = ledger().aFailedTask(owner);

        HttpJson.Response response = client().post("/dismiss-task", TestTokens.user(owner), body(task.id()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("already_dismissed").asBoolean()).isFalse();
        Map<String, Object> row = ledger().row(task.id());
        assertThat(row.get("dismissed_at")).isNotNull();
        assertThat(row).containsEntry("dismissed_by", owner).containsEntry("status", "failed");
        TaskDismissed event = TestTopics.awaitEvent(TaskTopics.STATUS, task.id(), TaskDismissed.class);
        assertThat(event.dismissedBy()).isEqualTo(owner);
        assertThat(event.attempt()).isEqualTo(1);
        assertThat(client().get("/get-failed-tasks", TestTokens.user(owner))
                        .body()
                        .get("count")
                        .asInt())
                .isZero();
    }

    @Test
    void aRetryForACallerThatAcceptsNoJsonIsA406AndQueuesNothing() {
        UUID owner = UUID.randomUUID();
        TaskEvents task = ledger().aFailedTask(owner);

        HttpJson.Response xml = client().call(
                        "POST",
                        "/retry-task",
                        Map.of("Authorization", "Bearer " + TestTokens.user(owner), "Accept", "application/xml"),
                        body(task.id()));

        assertThat(xml.status()).isEqualTo(406);
        assertThat(xml.body().get("error").asString()).isEqualTo("not_acceptable");
        assertThat(ledger().row(task.id())).containsEntry("status", "failed").containsEntry("attempt", 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"task_id\": 12}", "{\"task_id\": true}", "{\"task_id\": 1.5e300}"})
    void aTaskIdThatIsNotTextIsA400ThatNamesIt(String json) {
        HttpJson.Response response = client().post("/dismiss-task", TestTokens.user(UUID.randomUUID()), json);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("fields").has("task_id")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/xml", "text/html"})
    void anInvalidRequestIsAnsweredInJsonWhateverTheAccept(String accept) {
        HttpJson.Response response = client().call(
                        "POST",
                        "/dismiss-task",
                        Map.of("Authorization", "Bearer " + TestTokens.user(UUID.randomUUID()), "Accept", accept),
                        "{\"task_id\": \"12\"}");
        HttpJson.Response unknown = client().call(
                        "GET",
                        "/no-such-endpoint",
                        Map.of("Authorization", "Bearer " + TestTokens.user(UUID.randomUUID()), "Accept", accept),
                        null);
        HttpJson.Response firewall = client().call("GET", "//get-failed-tasks", Map.of("Accept", accept), null);

        assertThat(response.status()).isEqualTo(406);
        assertThat(response.body().get("error").asString()).isEqualTo("not_acceptable");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").asString()).isEqualTo("not_found");
        assertThat(firewall.status()).isEqualTo(400);
        assertThat(firewall.body().get("error").asString()).isEqualTo("invalid_path");
    }

    @Test
    void dismissingTwiceIsHarmless() {
        UUID owner = UUID.randomUUID();
        TaskEvents task = ledger().aFailedTask(owner);
        client().post("/dismiss-task", TestTokens.user(owner), body(task.id()));

        HttpJson.Response again = client().post("/dismiss-task", TestTokens.user(owner), body(task.id()));

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("already_dismissed").asBoolean()).isTrue();
        assertThat(TestTopics.events(TaskTopics.STATUS, task.id(), TaskDismissed.class))
                .hasSize(1);
    }

    @Test
    void onlyAFailedTaskCanBeDismissedOrRetried() {
        UUID owner = UUID.randomUUID();
        TaskEvents task = TaskEvents.aTask(owner);
        ledger().publish(task.requested(Instant.now()), task.started(Instant.now()));
        ledger().awaitRow(task.id(), "running", 1);

        HttpJson.Response dismiss = client().post("/dismiss-task", TestTokens.user(owner), body(task.id()));
        HttpJson.Response retry = client().post("/retry-task", TestTokens.user(owner), body(task.id()));

        assertThat(dismiss.status()).isEqualTo(409);
        assertThat(dismiss.body().get("message").asString())
                .contains("is running: only a failed task can be dismissed");
        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.body().get("message").asString()).contains("only a failed task can be retried");
        assertThat(ledger().row(task.id())).containsEntry("status", "running").containsEntry("dismissed_at", null);
    }

    @Test
    void dismissAllDismissesTheCallersOwnFailuresOnly() {
        UUID owner = UUID.randomUUID();
        TaskEvents mine1 = ledger().aFailedTask(owner);
        TaskEvents mine2 = ledger().aFailedTask(owner);
        TaskEvents theirs = ledger().aFailedTask(UUID.randomUUID());

        HttpJson.Response response = client().post("/dismiss-all-tasks", TestTokens.user(owner), null);

        assertThat(response.body().get("dismissed").asInt()).isEqualTo(2);
        assertThat(ledger().row(mine1.id()).get("dismissed_at")).isNotNull();
        assertThat(ledger().row(mine2.id()).get("dismissed_at")).isNotNull();
        assertThat(ledger().row(theirs.id()).get("dismissed_at")).isNull();
        assertThat(client().post("/dismiss-all-tasks", TestTokens.user(owner), null)
                        .body()
                        .get("dismissed")
                        .asInt())
                .isZero();
    }

    @Test
    void aRetryRequestsTheNextAttemptWithTheSamePayloadAndAnswersAtOnce() {
        UUID owner = UUID.randomUUID();
        TaskEvents task = ledger().aFailedTask(owner);

        HttpJson.Response response = client().post("/retry-task", TestTokens.user(owner), body(task.id()));

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.body().get("attempt").asInt()).isEqualTo(2);
        assertThat(ledger().row(task.id()))
                .containsEntry("status", "pending")
                .containsEntry("attempt", 2)
                .containsEntry("error_message", null);
        TaskRequested request = await().atMost(20, TimeUnit.SECONDS)
                .until(
                        () -> TestTopics.events(TaskTopics.requested("sync_quo"), task.id(), TaskRequested.class),
                        requests -> requests.size() == 2)
                .get(1);
        assertThat(request.attempt()).isEqualTo(2);
        assertThat(request.createdBy()).isEqualTo(owner);
        assertThat(request.payload())
                .containsEntry("client_id", task.ref().entityId().toString());
    }

    @Test
    void aTaskNoWorkerHandlesCannotBeRetried() {
        UUID owner = UUID.randomUUID();
        UUID id = jdbc.queryForObject(
                "SELECT create_background_task('test', gen_random_uuid(), 'Test', 'test_task', ?)", UUID.class, owner);
        jdbc.queryForList("SELECT fail_background_task(?, 'It broke: try again.')", id);

        HttpJson.Response response = client().post("/retry-task", TestTokens.user(owner), body(id));

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.body().get("message").asString()).contains("No worker handles task type test_task");
    }

    @Test
    void badBodiesAreA400ThatNamesTheField() {
        String token = TestTokens.user(UUID.randomUUID());

        HttpJson.Response missing = client().post("/dismiss-task", token, "{}");
        HttpJson.Response notAnId = client().post("/retry-task", token, "{\"task_id\": \"42\"}");
        HttpJson.Response notJson = client().post("/dismiss-task", token, "{\"task_id\": ");
        HttpJson.Response noBody = client().post("/retry-task", token, null);

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().get("fields").get("task_id").asString()).contains("is required");
        assertThat(notAnId.status()).isEqualTo(400);
        assertThat(notAnId.body().get("fields").get("task_id").asString()).contains("must be a task id");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().get("message").asString()).contains("not the JSON this endpoint takes");
        assertThat(noBody.status()).isEqualTo(400);
        assertThat(missing.body().toString() + notJson.body())
                .doesNotContain("Exception")
                .doesNotContain("at dev.");
    }
}
