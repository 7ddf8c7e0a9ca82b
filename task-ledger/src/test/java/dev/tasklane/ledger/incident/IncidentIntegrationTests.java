package dev.tasklane.ledger.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.ledger.LedgerFixture;
import dev.tasklane.ledger.LedgerIntegrationTest;
import dev.tasklane.ledger.TaskEvents;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.SseClient;
import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Incidents, supersession and waiting through the running ledger: events on real Kafka, rows in real PostgreSQL, the
 * answers of {@code GET /incidents} and the commands as each kind of caller gets them. Each test uses a cause of its
 * own (a unique error code), since every test class shares one ledger and one database.
 */
@LedgerIntegrationTest
class IncidentIntegrationTests {

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

    private static String uniqueCode() {
        return "TEST_" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    }

    private List<Map<String, Object>> incidentsOf(String code) {
        return jdbc.queryForList("SELECT * FROM task_incidents WHERE error_code = ? ORDER BY first_seen", code);
    }

    private Map<String, Object> awaitIncident(String code, String state, int openFailures) {
        return await().atMost(20, TimeUnit.SECONDS)
                .until(
                        () -> incidentsOf(code),
                        incidents -> !incidents.isEmpty()
                                && state.equals(
                                        incidents.get(incidents.size() - 1).get("state"))
                                && Integer.valueOf(openFailures)
                                        .equals(incidents
                                                .get(incidents.size() - 1)
                                                .get("open_failures")))
                .get(incidentsOf(code).size() - 1);
    }

    private static JsonNode incident(JsonNode answer, String code) {
        for (JsonNode incident : answer.get("incidents")) {
            if (incident.get("error_code").asString().equals(code)) {
                return incident;
            }
        }
        return null;
    }

    @Test
    void fiftyFailuresOfOneOutageAreOneIncidentAndTwoCausesAreTwo() {
        UUID owner = UUID.randomUUID();
        String outage = uniqueCode();
        String other = uniqueCode();
        Instant t0 = Instant.now().minusSeconds(120);
        List<TaskEvent> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            TaskEvents task = TaskEvents.aTask(owner, TaskTypes.CALCULATE_DRIVE_TIMES, "Client " + i);
            events.add(task.requested(t0.plusMillis(i)));
            events.add(task.failedWith(t0.plusSeconds(1).plusMillis(i), "google_maps", outage));
        }
        TaskEvents odd = TaskEvents.aTask(owner, TaskTypes.CALCULATE_DRIVE_TIMES, "Odd One");
        events.add(odd.failedWith(t0.plusSeconds(2), "google_maps", other));
        ledger().publish(events.toArray(TaskEvent[]::new));

        Map<String, Object> incident = awaitIncident(outage, "open", 50);
        awaitIncident(other, "open", 1);
        assertThat(incidentsOf(outage)).hasSize(1);
        assertThat(incident.get("failures")).isEqualTo(50);
        assertThat(incident.get("title"))
                .isEqualTo(
                        TaskWords.label(TaskTypes.CALCULATE_DRIVE_TIMES) + " failed: Google Maps answered " + outage);

        JsonNode answer = client().get("/incidents", TestTokens.user(owner)).body();
        JsonNode mine = incident(answer, outage);
        assertThat(mine.get("open_tasks").asInt()).isEqualTo(50);
        assertThat(mine.get("state").asString()).isEqualTo("open");
        assertThat(mine.get("advice").asString()).isNotBlank();
        assertThat(mine.get("people")).hasSize(1);
        assertThat(mine.get("people").get(0).get("name").asString()).isEqualTo("Dana Dispatcher");
        assertThat(mine.get("records")).hasSize(IncidentQueries.RECORDS_LISTED);
        assertThat(mine.get("records").get(0).get("summary").asString()).isEqualTo("Drive times for client Client 49");
        assertThat(incident(answer, other).get("open_tasks").asInt()).isEqualTo(1);

        JsonNode page = client().get(
                        "/get-failed-tasks?limit=200&incident_id="
                                + mine.get("id").asString(),
                        TestTokens.user(owner))
                .body();
        assertThat(page.get("count").asInt()).isEqualTo(50);
        assertThat(page.get("tasks").get(0).get("incident_id").asString())
                .isEqualTo(mine.get("id").asString());
        assertThat(page.get("tasks").get(0).get("created_by_name").asString()).isEqualTo("Dana Dispatcher");
    }

    @Test
    void aLaterCompletedRunForTheSameRecordResolvesTheFailureAndAFailedOneDoesNot() {
        UUID owner = UUID.randomUUID();
        UUID client = UUID.randomUUID();
        String code = uniqueCode();
        Instant t0 = Instant.now().minusSeconds(300);
        TaskEvents failed = TaskEvents.aTaskFor(owner, TaskTypes.SYNC_QUO, client, "Jane Doe");
        TaskEvents startedBefore = TaskEvents.aTaskFor(owner, TaskTypes.SYNC_QUO, client, "Jane Doe");
        TaskEvents failedAgain = TaskEvents.aTaskFor(owner, TaskTypes.SYNC_QUO, client, "Jane Doe");
        TaskEvents otherType = TaskEvents.aTaskFor(owner, TaskTypes.CALCULATE_DRIVE_TIMES, client, "Jane Doe");
        ledger().publish(
                        failed.requested(t0),
                        failed.failedWith(t0.plusSeconds(10), "quo", code),
                        startedBefore.started(t0.plusSeconds(5)),
                        startedBefore.completed(t0.plusSeconds(20)),
                        failedAgain.started(t0.plusSeconds(30)),
                        failedAgain.failedWith(t0.plusSeconds(31), "quo", code),
                        otherType.started(t0.plusSeconds(40)),
                        otherType.completed(t0.plusSeconds(41)));
        ledger().awaitRow(otherType.id(), "completed", 1);
        awaitIncident(code, "open", 2);
        assertThat(ledger().row(failed.id()).get("dismissed_at"))
                .as("a run that started before the failure, a " + "failed run and another task type resolve nothing")
                .isNull();

        TaskEvents later = TaskEvents.aTaskFor(owner, TaskTypes.SYNC_QUO, client, "Jane Doe");
        ledger().publish(later.completed(t0.plusSeconds(61)), later.started(t0.plusSeconds(60)));

        Map<String, Object> resolved = awaitIncident(code, "resolved", 0);
        Map<String, Object> row = ledger().row(failed.id());
        assertThat(row.get("resolution")).isEqualTo("superseded");
        assertThat(row.get("resolved_by")).isEqualTo(later.id());
        assertThat(row.get("dismissed_by")).isNull();
        assertThat(row.get("status")).as("it stays in history as it was").isEqualTo("failed");
        assertThat(ledger().row(failedAgain.id()).get("resolution")).isEqualTo("superseded");
        assertThat(resolved.get("resolved_at")).isNotNull();
        assertThat(client().get("/get-failed-tasks", TestTokens.user(owner))
                        .body()
                        .get("count")
                        .asInt())
                .isZero();
        assertThat(jdbc.queryForObject(
                        "SELECT left_how FROM task_failures WHERE task_id = ?", String.class, failed.id()))
                .isEqualTo("superseded");
    }

    @Autowired
    dev.tasklane.ledger.projection.FailureInbox inbox;

    @Test
    void theSweepSupersedesWhatTwoConcurrentBatchesMissed() {
        UUID owner = UUID.randomUUID();
        UUID client = UUID.randomUUID();
        String code = uniqueCode();
        Instant t0 = Instant.now().minusSeconds(300);
        TaskEvents failed = TaskEvents.aTaskFor(owner, TaskTypes.SYNC_QUO, client, "Jane Doe");
        ledger().publish(failed.requested(t0), failed.failedWith(t0.plusSeconds(10), "quo", code));
        awaitIncident(code, "open", 1);
        // a later run's completion written by a batch that could not see the failure (it was not committed yet)
        UUID later = UUID.randomUUID();
        jdbc.update(
                """
                INSERT INTO background_tasks (id, entity_type, entity_id, entity_name, task_type, created_by, status,
                    attempt, started_at, completed_at, created_at) VALUES (?, 'client', ?, 'Jane Doe', 'sync_quo', ?,
                    'completed', 1, ?, ?, ?)""",
                later,
                client,
                owner,
                java.sql.Timestamp.from(t0.plusSeconds(60)),
                java.sql.Timestamp.from(t0.plusSeconds(61)),
                java.sql.Timestamp.from(t0.plusSeconds(59)));
        assertThat(ledger().row(failed.id()).get("dismissed_at")).isNull();

        transactions.executeWithoutResult(status -> inbox.sweep());

        assertThat(ledger().row(failed.id()).get("resolved_by")).isEqualTo(later);
        assertThat(incidentsOf(code).get(0).get("state")).isEqualTo("resolved");
    }

    @Test
    void aFailureArrivingAfterTheLaterSuccessIsResolvedAsItLands() {
        UUID owner = UUID.randomUUID();
        UUID client = UUID.randomUUID();
        String code = uniqueCode();
        Instant t0 = Instant.now().minusSeconds(300);
        TaskEvents later = TaskEvents.aTaskFor(owner, TaskTypes.SYNC_QUO, client, "Jane Doe");
        ledger().publish(later.started(t0.plusSeconds(60)), later.completed(t0.plusSeconds(61)));
        ledger().awaitRow(later.id(), "completed", 1);

        TaskEvents failed = TaskEvents.aTaskFor(owner, TaskTypes.SYNC_QUO, client, "Jane Doe");
        ledger().publish(failed.failedWith(t0.plusSeconds(10), "quo", code));

        awaitIncident(code, "resolved", 0);
        assertThat(ledger().row(failed.id()).get("resolved_by")).isEqualTo(later.id());
    }

    @Test
    void aNewFailureWithinSevenDaysOfTheResolutionRegressesTheIncidentAndLaterOpensANewOne() {
        UUID owner = UUID.randomUUID();
        String code = uniqueCode();
        Instant t0 = Instant.now().minus(Duration.ofDays(20));
        TaskEvents first = TaskEvents.aTask(owner);
        ledger().publish(first.failedWith(t0, "quo", code));
        awaitIncident(code, "open", 1);
        client().post("/dismiss-task", TestTokens.user(owner), "{\"task_id\": \"" + first.id() + "\"}");
        Map<String, Object> resolved = awaitIncident(code, "resolved", 0);

        TaskEvents second = TaskEvents.aTask(owner);
        // dismissed just now, so a failure dated now is within 7 days of the resolution
        ledger().publish(second.failedWith(Instant.now(), "quo", code));
        Map<String, Object> regressed = awaitIncident(code, "regressed", 1);
        assertThat(regressed.get("id")).isEqualTo(resolved.get("id"));
        assertThat(regressed.get("failures")).as("with its history").isEqualTo(2);
        assertThat(regressed.get("regressed_at")).isNotNull();

        String old = uniqueCode();
        TaskEvents a = TaskEvents.aTask(owner);
        TaskEvents b = TaskEvents.aTask(owner);
        TaskEvents c = TaskEvents.aTask(owner);
        UUID someone = UUID.randomUUID();
        ledger().publish(
                        a.failedWith(t0, "quo", old),
                        a.dismissed(t0.plusSeconds(60), someone),
                        b.failedWith(t0.plus(Duration.ofDays(3)), "quo", old),
                        b.dismissed(t0.plus(Duration.ofDays(3)).plusSeconds(9), someone),
                        c.failedWith(t0.plus(Duration.ofDays(12)), "quo", old));
        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> incidentsOf(old).size() == 2
                        && incidentsOf(old).get(1).get("state").equals("open"));
        List<Map<String, Object>> episodes = incidentsOf(old);
        assertThat(episodes.get(0).get("state")).isEqualTo("resolved");
        assertThat(episodes.get(0).get("failures")).isEqualTo(2);
        assertThat(episodes.get(0).get("regressed_at"))
                .as("b came 3 days after a was dismissed")
                .isNotNull();
        assertThat(episodes.get(1).get("failures"))
                .as("c came 9 days after: a new incident")
                .isEqualTo(1);
    }

    @Test
    void aFailureBecauseTheClientWasDeletedIsNoLongerNeededAndOpensNoIncident() {
        UUID owner = UUID.randomUUID();
        TaskEvents task = TaskEvents.aTask(owner);
        ledger().publish(task.requested(Instant.now()), task.failedWith(Instant.now(), "worker", "CLIENT_NOT_FOUND"));

        Map<String, Object> row = ledger().awaitRow(task.id(), "failed", 1);
        assertThat(row.get("resolution")).isEqualTo("no_longer_needed");
        assertThat(row.get("dismissed_at")).isNotNull();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM task_failures WHERE task_id = ?", Long.class, task.id()))
                .isZero();
        assertThat(client().get("/get-failed-tasks", TestTokens.user(owner))
                        .body()
                        .get("count")
                        .asInt())
                .isZero();
    }

    @Test
    void aTaskResolvedBecauseItsRecordWasDeletedLeavesTheInboxAndResolvesTheIncident() {
        UUID owner = UUID.randomUUID();
        String code = uniqueCode();
        TaskEvents task = TaskEvents.aTask(owner);
        ledger().publish(task.requested(Instant.now()), task.failedWith(Instant.now(), "quo", code));
        awaitIncident(code, "open", 1);

        ledger().publish(task.noLongerNeeded(Instant.now()));

        awaitIncident(code, "resolved", 0);
        assertThat(ledger().row(task.id()).get("resolution")).isEqualTo("no_longer_needed");
        assertThat(jdbc.queryForObject("SELECT left_how FROM task_failures WHERE task_id = ?", String.class, task.id()))
                .isEqualTo("no_longer_needed");
    }

    @Test
    void aUserSeesOnlyIncidentsOfTheirOwnTasksAndOnlyTheirOwnNamesWhileASupervisorSeesEveryone() {
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        UUID carol = UUID.randomUUID();
        String shared = uniqueCode();
        String bobsOnly = uniqueCode();
        Instant now = Instant.now();
        TaskEvents alices = TaskEvents.aTask(alice);
        TaskEvents bobs = TaskEvents.aTask(bob);
        TaskEvents bobs2 = TaskEvents.aTask(bob);
        ledger().publish(
                        alices.requested(now),
                        alices.failedWith(now, "quo", shared),
                        bobs.requested(now),
                        bobs.failedWith(now.plusMillis(5), "quo", shared),
                        bobs2.failedWith(now, "quo", bobsOnly));
        awaitIncident(shared, "open", 2);
        awaitIncident(bobsOnly, "open", 1);

        JsonNode alicesView = client().get("/incidents", TestTokens.user(alice)).body();
        assertThat(incident(alicesView, bobsOnly)).isNull();
        JsonNode sharedForAlice = incident(alicesView, shared);
        assertThat(sharedForAlice.get("open_tasks").asInt()).isEqualTo(1);
        assertThat(sharedForAlice.get("people")).hasSize(1);
        assertThat(sharedForAlice.get("people").get(0).get("user_id").asString())
                .isEqualTo(alice.toString());
        assertThat(sharedForAlice.get("records")).hasSize(1);
        assertThat(client().get("/incidents", TestTokens.user(carol)).body().get("incidents"))
                .isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM task_incidents", Long.class))
                .isPositive();

        JsonNode supervisors =
                client().get("/incidents", TestTokens.supervisor(carol)).body();
        assertThat(incident(supervisors, shared).get("open_tasks").asInt()).isEqualTo(2);
        assertThat(incident(supervisors, shared).get("people")).hasSize(2);
        assertThat(incident(supervisors, bobsOnly)).isNotNull();

        assertThat(sharedForAlice.get("state").asString()).isEqualTo("open");
        client().post("/dismiss-task", TestTokens.user(alice), "{\"task_id\": \"" + alices.id() + "\"}");
        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> incident(
                                client().get("/incidents?state=all", TestTokens.user(alice))
                                        .body(),
                                shared)
                        .get("state")
                        .asString()
                        .equals("resolved"));
        JsonNode stillOpen = incident(
                client().get("/incidents", TestTokens.supervisor(carol)).body(), shared);
        assertThat(stillOpen.get("state").asString())
                .as("Bob's failure is still there")
                .isEqualTo("open");
        assertThat(incident(client().get("/incidents", TestTokens.user(alice)).body(), shared))
                .as("not open for Alice any more")
                .isNull();
        assertThat(privateColumnAsUser(alice, "SELECT title FROM task_incidents WHERE error_code = '" + shared + "'"))
                .isEqualTo(incidentsOf(shared).get(0).get("title"));
        assertThat(privateColumnAsUser(alice, "SELECT open_failures FROM task_incidents"))
                .as("counts of everyone")
                .isEqualTo("permission denied");

        String bobsIncident = incident(supervisors, bobsOnly).get("id").asString();
        HttpJson.Response notHers = client().post(
                        "/dismiss-incident", TestTokens.user(alice), "{\"incident_id\": \"" + bobsIncident + "\"}");
        assertThat(notHers.status()).isEqualTo(404);
        assertThat(ledger().row(bobs2.id()).get("dismissed_at")).isNull();
    }

    @Autowired
    org.springframework.transaction.support.TransactionTemplate transactions;

    /** What {@code sql} answers to a signed-in user reading the database directly (as PostgREST would let them). */
    private Object privateColumnAsUser(UUID user, String sql) {
        try {
            return transactions.execute(status -> {
                jdbc.queryForList(
                        "SELECT set_config('request.jwt.claims', ?, true), set_config('role', 'authenticated', true)",
                        "{\"sub\": \"" + user + "\", \"role\": \"authenticated\"}");
                return jdbc.queryForList(sql).stream()
                        .findFirst()
                        .map(row -> row.values().iterator().next())
                        .orElse(null);
            });
        } catch (org.springframework.jdbc.BadSqlGrammarException denied) {
            // 42501: insufficient privilege
            return "42501".equals(denied.getSQLException().getSQLState()) ? "permission denied" : denied.getMessage();
        }
    }

    @Test
    void retryAllAndDismissAllActOnTheIncidentsTasksTheCallerMaySee() {
        UUID owner = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        String code = uniqueCode();
        Instant now = Instant.now();
        TaskEvents one = TaskEvents.aTask(owner);
        TaskEvents two = TaskEvents.aTask(owner);
        TaskEvents others = TaskEvents.aTask(other);
        ledger().publish(
                        one.requested(now),
                        one.failedWith(now, "quo", code),
                        two.requested(now),
                        two.failedWith(now, "quo", code),
                        others.requested(now),
                        others.failedWith(now, "quo", code));
        awaitIncident(code, "open", 3);
        String id = incident(client().get("/incidents", TestTokens.user(owner)).body(), code)
                .get("id")
                .asString();

        HttpJson.Response retried =
                client().post("/retry-incident", TestTokens.user(owner), "{\"incident_id\": \"" + id + "\"}");
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.body().get("retried").asInt()).isEqualTo(2);
        ledger().awaitRow(one.id(), "pending", 2);
        ledger().awaitRow(two.id(), "pending", 2);
        assertThat(ledger().row(others.id()).get("attempt"))
                .as("not the owner's to retry")
                .isEqualTo(1);
        awaitIncident(code, "open", 1);

        HttpJson.Response dismissed = client().post(
                        "/dismiss-incident",
                        TestTokens.supervisor(UUID.randomUUID()),
                        "{\"incident_id\": \"" + id + "\"}");
        assertThat(dismissed.body().get("dismissed").asInt()).isEqualTo(1);
        awaitIncident(code, "resolved", 0);

        HttpJson.Response bad = client().post("/retry-incident", TestTokens.user(owner), "{\"incident_id\": \"x\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().toString()).contains("incident_id");
        assertThat(client().get("/incidents?state=later", TestTokens.user(owner))
                        .body()
                        .toString())
                .contains("state");
    }

    @Test
    void tasksHeldBackForAnOutageAreWaitingNotFailedAndTheDeadlineFailureClearsWhenTheyRun() {
        UUID owner = UUID.randomUUID();
        Instant now = Instant.now();
        TaskEvents held = TaskEvents.aTask(owner, TaskTypes.CALCULATE_DRIVE_TIMES, "Jane Doe");
        try (SseClient stream = SseClient.open(client(), TestTokens.user(owner))) {
            ledger().publish(
                            held.requested(now),
                            held.started(now.plusMillis(1)),
                            held.waiting(now.plusMillis(2), "google_maps"));
            SseClient.Event waiting = stream.await(event -> event.name().equals("task")
                    && event.data().get("id").asString().equals(held.id().toString())
                    && !event.data().get("waiting_since").isNull());
            assertThat(waiting.data().get("status").asString()).isEqualTo("running");
            assertThat(waiting.data().get("waiting_for_name").asString()).isEqualTo("Google Maps");
            assertThat(waiting.data().get("summary").asString()).isEqualTo("Drive times for client Jane Doe");

            JsonNode answer = client().get("/incidents", TestTokens.user(owner)).body();
            assertThat(answer.get("waiting")).hasSize(1);
            assertThat(answer.get("waiting").get(0).get("tasks").asInt()).isEqualTo(1);
            assertThat(answer.get("waiting").get(0).get("message").asString())
                    .startsWith("Waiting for Google Maps since ")
                    .endsWith("1 task; it runs by itself when it answers.");

            ledger().publish(held.failedWith(now.plusSeconds(1), "google_maps", "WAIT_DEADLINE"));
            ledger().awaitRow(held.id(), "failed", 1);
            SseClient.Event incident = stream.await(event -> event.name().equals("incident")
                    && event.data().get("error_code").asString().equals("WAIT_DEADLINE"));
            assertThat(incident.data().get("title").asString())
                    .isEqualTo("Google Maps has not answered for a long time");
            assertThat(incident.data().has("state"))
                    .as("a user is told the cause, not everyone's state")
                    .isFalse();
            assertThat(incident.id())
                    .as("the stream's position stays that of the task changes")
                    .isNull();

            ledger().publish(held.completed(now.plusSeconds(2)));
            Map<String, Object> row = ledger().awaitRow(held.id(), "completed", 1);
            assertThat(row.get("resolution")).isEqualTo("recovered");
            assertThat(client().get("/incidents", TestTokens.user(owner)).body().get("waiting"))
                    .isEmpty();
        }
    }

    @Test
    void incidentChangesReachThePeopleTheyConcernAndNobodyElse() {
        UUID owner = UUID.randomUUID();
        String code = uniqueCode();
        try (SseClient owners = SseClient.open(client(), TestTokens.user(owner));
                SseClient others = SseClient.open(client(), TestTokens.user(UUID.randomUUID()))) {
            TaskEvents task = TaskEvents.aTask(owner);
            ledger().publish(task.requested(Instant.now()), task.failedWith(Instant.now(), "quo", code));

            owners.await(event -> event.name().equals("incident")
                    && event.data().get("error_code").asString().equals(code));
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> others.events().stream()
                            .noneMatch(event -> event.name().equals("incident")
                                    && event.data().get("error_code").asString().equals(code)));
        }
    }

    @Test
    void aUserIsToldAnIncidentsCauseOnceWhileSupervisorsSeeEveryChange() {
        UUID owner = UUID.randomUUID();
        String code = uniqueCode();
        Instant first = Instant.now();
        try (SseClient owners = SseClient.open(client(), TestTokens.user(owner));
                SseClient supervisors = SseClient.open(client(), TestTokens.supervisor(UUID.randomUUID()))) {
            for (int failure = 1; failure <= 4; failure++) {
                TaskEvents task = TaskEvents.aTask(owner);
                Instant at = first.plusSeconds(failure);
                ledger().publish(task.requested(at), task.failedWith(at, "quo", code));
                int changes = failure;
                // each failure lands on its own, so the incident changes (its last_seen) once per failure
                await().atMost(20, TimeUnit.SECONDS).until(() -> incidentEvents(supervisors, code) >= changes);
            }
            owners.await(event -> event.name().equals("incident")
                    && event.data().get("error_code").asString().equals(code));
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> incidentEvents(owners, code) == 1);
        }
    }

    private static long incidentEvents(SseClient stream, String code) {
        return stream.events().stream()
                .filter(event -> event.name().equals("incident")
                        && event.data().path("error_code").asString("").equals(code))
                .count();
    }
}
