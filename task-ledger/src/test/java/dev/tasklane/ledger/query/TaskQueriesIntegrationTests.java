package dev.tasklane.ledger.query;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.ledger.LedgerFixture;
import dev.tasklane.ledger.LedgerIntegrationTest;
import dev.tasklane.ledger.TaskEvents;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

@LedgerIntegrationTest
class TaskQueriesIntegrationTests {

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

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("tasks").forEach(task -> ids.add(task.get("id").asString()));
        return ids;
    }

    @Test
    void aUserGetsTheirOwnFailuresWithWhatAPersonNeeds() {
        UUID alice = UUID.randomUUID();
        TaskEvents failure = ledger().aFailedTask(alice);
        ledger().aFailedTask(UUID.randomUUID());

        HttpJson.Response response = client().get("/get-failed-tasks", TestTokens.user(alice));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("success").asBoolean()).isTrue();
        assertThat(ids(response.body())).containsExactly(failure.id().toString());
        JsonNode task = response.body().get("tasks").get(0);
        assertThat(task.get("entity_type").asString()).isEqualTo("client");
        assertThat(task.get("entity_id").asString())
                .isEqualTo(failure.ref().entityId().toString());
        assertThat(task.get("entity_name").asString()).isEqualTo("Jane Doe");
        assertThat(task.get("task_type").asString()).isEqualTo("sync_quo");
        assertThat(task.get("error_message").asString()).contains("QUO_API_KEY");
        assertThat(task.get("attempt").asInt()).isEqualTo(1);
        assertThat(task.get("failed_at").asString()).isNotBlank();
    }

    @Test
    void listsArePagedNewestFirst() {
        UUID bob = UUID.randomUUID();
        List<String> newestFirst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            newestFirst.add(0, ledger().aFailedTask(bob).id().toString());
        }

        JsonNode first =
                client().get("/get-failed-tasks?limit=2", TestTokens.user(bob)).body();
        JsonNode second = client().get(
                        "/get-failed-tasks?limit=2&before="
                                + first.get("next_before").asString(),
                        TestTokens.user(bob))
                .body();
        JsonNode last = client().get(
                        "/get-failed-tasks?limit=2&before="
                                + second.get("next_before").asString(),
                        TestTokens.user(bob))
                .body();

        assertThat(ids(first)).isEqualTo(newestFirst.subList(0, 2));
        assertThat(ids(second)).isEqualTo(newestFirst.subList(2, 4));
        assertThat(ids(last)).isEqualTo(newestFirst.subList(4, 5));
        assertThat(last.get("next_before").isNull()).isTrue();
    }

    @Test
    void pagingByCursorNeitherSkipsNorRepeatsFailuresThatShareOneTime() {
        UUID gina = UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<TaskEvents> tasks = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            TaskEvents task = TaskEvents.aTask(gina);
            ledger().publish(task.requested(at.minusMillis(30)), task.started(at.minusMillis(20)), task.failed(at));
            tasks.add(task);
        }
        tasks.forEach(task -> ledger().awaitRow(task.id(), "failed", 1));
        String token = TestTokens.user(gina);

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String path = "/get-failed-tasks?limit=3";
        while (path != null) {
            JsonNode page = client().get(path, token).body();
            seen.addAll(ids(page));
            pageSizes.add(page.get("count").asInt());
            path = page.get("next_cursor").isNull()
                    ? null
                    : "/get-failed-tasks?limit=3&cursor="
                            + page.get("next_cursor").asString();
        }

        assertThat(seen)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        tasks.stream().map(task -> task.id().toString()).toList());
        assertThat(pageSizes).containsExactly(3, 3, 1);
        // a time for before still means "failed before then", as it did, and combines with the cursor
        assertThat(client().get("/get-failed-tasks?before=" + at, token)
                        .body()
                        .get("count")
                        .asInt())
                .isZero();
        assertThat(client().get("/get-failed-tasks?before=" + at.plusMillis(1), token)
                        .body()
                        .get("count")
                        .asInt())
                .isEqualTo(7);
    }

    @Test
    void aTimeOutOfRangeOrABadCursorIsA400ThatNamesTheFieldAndQuotesAtMostAHundredCharacters() {
        String token = TestTokens.user(UUID.randomUUID());

        HttpJson.Response farFuture = client().get("/get-failed-tasks?before=%2B300000-01-01T00:00:00Z", token);
        HttpJson.Response cursor = client().get("/get-failed-tasks?cursor=" + "z".repeat(5000), token);

        assertThat(farFuture.status()).isEqualTo(400);
        assertThat(farFuture.body().get("fields").get("before").asString()).contains("between the years 0001 and 9999");
        assertThat(cursor.status()).isEqualTo(400);
        assertThat(cursor.body().get("fields").get("cursor").asString()).contains("next_cursor");
        assertThat(cursor.body().toString()).hasSizeLessThan(700);
        assertThat(cursor.body().get("message").asString()).contains("'" + "z".repeat(100) + "…'");
    }

    @Test
    void badPagingIsA400ThatNamesTheField() {
        String token = TestTokens.user(UUID.randomUUID());

        HttpJson.Response limit = client().get("/get-failed-tasks?limit=0", token);
        HttpJson.Response before = client().get("/get-failed-tasks?before=yesterday", token);

        assertThat(limit.status()).isEqualTo(400);
        assertThat(limit.body().get("fields").has("limit")).isTrue();
        assertThat(limit.body().get("message").asString()).contains("limit must be from 1 to 200");
        assertThat(before.status()).isEqualTo(400);
        assertThat(before.body().get("fields").get("before").asString()).contains("2026-11-30T14:03:27Z");
    }

    @Test
    void aSupervisorSeesEveryonesFailuresAndFiltersThem() {
        UUID carol = UUID.randomUUID();
        UUID dave = UUID.randomUUID();
        TaskEvents carols = ledger().aFailedTask(carol);
        TaskEvents daves = ledger().aFailedTask(dave);
        String supervisor = TestTokens.supervisor(UUID.randomUUID());

        assertThat(ids(client().get("/get-all-failed-tasks?limit=200", supervisor)
                        .body()))
                .contains(carols.id().toString(), daves.id().toString());
        assertThat(ids(client().get("/get-all-failed-tasks?user=" + carol, supervisor)
                        .body()))
                .containsExactly(carols.id().toString());
        assertThat(ids(client().get(
                                "/get-all-failed-tasks?user=" + carol + "&task_type=calculate_drive_times", supervisor)
                        .body()))
                .isEmpty();
        assertThat(client().get("/get-all-failed-tasks?user=carol", supervisor)
                        .body()
                        .get("fields")
                        .has("user"))
                .isTrue();
    }

    @Test
    void theSummaryCountsFailuresByTaskTypeAndByUser() {
        UUID erin = UUID.randomUUID();
        ledger().aFailedTask(erin);
        ledger().aFailedTask(erin);

        JsonNode summary = client().get("/get-failed-tasks-summary", TestTokens.admin(UUID.randomUUID()))
                .body();

        JsonNode byType = summary.get("by_task_type");
        assertThat(byType.isArray()).isTrue();
        // the ledger's database is shared by the test classes: find the type rather than assume its rank
        JsonNode syncQuo = null;
        for (JsonNode row : byType) {
            syncQuo = row.get("task_type").asString().equals("sync_quo") ? row : syncQuo;
        }
        assertThat(syncQuo).isNotNull();
        assertThat(syncQuo.get("failed_count").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(syncQuo.has("oldest_failed_at")).isTrue();
        List<JsonNode> erins = new ArrayList<>();
        summary.get("by_user").forEach(row -> {
            if (erin.toString().equals(row.get("created_by").asString())) {
                erins.add(row);
            }
        });
        assertThat(erins)
                .singleElement()
                .satisfies(row -> assertThat(row.get("failed_count").asInt()).isEqualTo(2));
        assertThat(summary.get("total").asLong()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theTasksOfAnEntityAreItsOwnersAndNobodyElses() {
        UUID frank = UUID.randomUUID();
        TaskEvents task = TaskEvents.aTask(frank);
        ledger().publish(task.requested(Instant.now()), task.started(Instant.now()));
        ledger().awaitRow(task.id(), "running", 1);
        String path = "/tasks?entity_type=client&entity_id=" + task.ref().entityId();

        JsonNode own = client().get(path, TestTokens.user(frank)).body();
        JsonNode others = client().get(path, TestTokens.user(UUID.randomUUID())).body();

        assertThat(ids(own)).containsExactly(task.id().toString());
        assertThat(own.get("tasks").get(0).get("status").asString()).isEqualTo("running");
        assertThat(ids(others)).isEmpty();
        assertThat(client().get("/tasks?entity_type=client", TestTokens.user(frank))
                        .body()
                        .get("fields")
                        .has("entity_id"))
                .isTrue();
        assertThat(client().get("/tasks?entity_type=client&entity_id=42", TestTokens.user(frank))
                        .status())
                .isEqualTo(400);
    }
}
