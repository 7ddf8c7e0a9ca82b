package dev.tasklane.gateway.clients;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.gateway.GatewayIntegrationTest;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TestTokens;
import dev.tasklane.testsupport.TestTopics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@GatewayIntegrationTest
class AddClientIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    private final UUID user = UUID.randomUUID();

    private HttpJson gateway() {
        return new HttpJson(port);
    }

    private static String client(String name, String phone, String email, String address) {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", name);
        body.put("phone", phone);
        body.put("email", email);
        body.put("address", address);
        return body.toString();
    }

    private long clientsNamed(String name) {
        return jdbc.queryForObject("SELECT count(*) FROM clients WHERE name = ?", Long.class, name);
    }

    @Test
    void aNewClientIsSavedAndItsTwoTasksAreQueuedAndPublished() {
        HttpJson.Response response = gateway()
                .post(
                        "/add-client",
                        TestTokens.user(user),
                        client("Jane Doe", "(212) 555-0123", "jane@example.com", "1 Main St, Springfield"));

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.body();
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("message").asString())
                .isEqualTo("Client saved. Drive times and Quo sync processing in background.");
        UUID clientId = UUID.fromString(body.get("client_id").asString());
        assertThat(jdbc.queryForMap(
                        "SELECT name, phone, email, address, created_by FROM clients WHERE id = ?", clientId))
                .containsEntry("phone", "+12125550123")
                .containsEntry("created_by", user)
                .containsEntry("address", "1 Main St, Springfield");

        UUID driveTimes = UUID.fromString(
                body.get("task_ids").get("calculate_drive_times").asString());
        UUID quo = UUID.fromString(body.get("task_ids").get("sync_quo").asString());
        TaskRequested driveTimesRequest =
                TestTopics.awaitEvent(TaskTopics.requested("calculate_drive_times"), driveTimes, TaskRequested.class);
        TaskRequested quoRequest = TestTopics.awaitEvent(TaskTopics.requested("sync_quo"), quo, TaskRequested.class);
        assertThat(driveTimesRequest.entityId()).isEqualTo(clientId);
        assertThat(driveTimesRequest.entityType()).isEqualTo("client");
        assertThat(driveTimesRequest.entityName()).isEqualTo("Jane Doe");
        assertThat(driveTimesRequest.createdBy()).isEqualTo(user);
        assertThat(driveTimesRequest.attempt()).isEqualTo(1);
        assertThat(driveTimesRequest.requestedByName())
                .as("the test token's user_metadata.name")
                .isEqualTo("John Doe");
        assertThat(quoRequest.requestedByName()).isEqualTo("John Doe");
        assertThat(quoRequest.payload()).containsEntry("client_id", clientId.toString());
        await().until(() -> jdbc.queryForObject(
                        "SELECT count(*) FROM outbox WHERE message_key IN (?, ?)",
                        Long.class,
                        driveTimes.toString(),
                        quo.toString())
                == 0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a full name in user_metadata | '  Uma Full Name '  | someone@example.com | Uma Full Name",
                "no name, only an email       | ''                  | only.email@example.com | only.email@example.com",
                "neither                      | ''                  | ''                  | "
            })
    void everyQueuedTaskCarriesTheNameFromTheCallersToken(
            String token, String fullName, String email, String expected) {
        Map<String, Object> claims = TestTokens.claims(user, "user", Duration.ofHours(1));
        claims.put("user_metadata", fullName.isEmpty() ? Map.of() : Map.of("full_name", fullName, "name", "Not This"));
        claims.put("email", email);
        String clientName = "Named By " + UUID.randomUUID();

        HttpJson.Response response = gateway()
                .post(
                        "/add-client",
                        TestTokens.sign(claims, TestTokens.SECRET),
                        client(clientName, null, null, "7 Token Way"));

        assertThat(response.status()).isEqualTo(200);
        for (String taskType : List.of("calculate_drive_times", "sync_quo")) {
            UUID taskId = UUID.fromString(
                    response.body().get("task_ids").get(taskType).asString());
            TaskRequested published =
                    TestTopics.awaitEvent(TaskTopics.requested(taskType), taskId, TaskRequested.class);
            assertThat(published.requestedByName()).as(taskType).isEqualTo(expected);
            assertThat(published.createdBy()).isEqualTo(user);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no name              | ''            | +12125550123 | j@example.com | 1 Main St | name    | is required",
                "blank address        | Ann           | +12125550123 | j@example.com | '   '     | address | is required",
                "letters for a phone  | Ann           | call me      | j@example.com | 1 Main St | phone   | must be a valid phone number",
                "too short a phone    | Ann           | 555-1234     | j@example.com | 1 Main St | phone   | must be a valid phone number",
                "email without domain | Ann           | +12125550123 | jane@         | 1 Main St | email   | must be an email address",
                "email without at     | Ann           | +12125550123 | jane.example  | 1 Main St | email   | must be an email address"
            })
    void eachInvalidFieldIsA400ThatNamesItAndNothingIsSaved(
            String problem, String name, String phone, String email, String address, String field, String message) {
        long outboxBefore = jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class);

        HttpJson.Response response =
                gateway().post("/add-client", TestTokens.user(user), client(name, phone, email, address));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("fields").get(field).asString()).contains(message);
        assertThat(response.body().get("message").asString()).contains(field).endsWith("Nothing was saved.");
        assertThat(clientsNamed(name)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class))
                .isLessThanOrEqualTo(outboxBefore);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        HttpJson.Response response = gateway().post("/add-client", TestTokens.user(user), client("", "x", "y", ""));

        assertThat(response.body().get("fields").propertyNames())
                .containsExactlyInAnyOrder("name", "phone", "email", "address");
    }

    @Test
    void aMissingOrMalformedBodyIsA400() {
        assertThat(gateway()
                        .post("/add-client", TestTokens.user(user), null)
                        .body()
                        .get("fields")
                        .has("name"))
                .isTrue();
        HttpJson.Response malformed = gateway().post("/add-client", TestTokens.user(user), "{\"name\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().get("message").asString()).doesNotContain("Exception");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Robert'); DROP TABLE clients;--",
                "<img src=x onerror=alert(1)>",
                "\" OR 1=1 --",
                "Zoë O'Brien-Łukasz 李"
            })
    void hostileLookingNamesAreStoredVerbatimAndHarmlessly(String name) {
        HttpJson.Response response =
                gateway().post("/add-client", TestTokens.user(user), client(name, null, null, "<b>2 Side St</b>"));

        assertThat(response.status()).isEqualTo(200);
        UUID id = UUID.fromString(response.body().get("client_id").asString());
        assertThat(jdbc.queryForMap("SELECT name, address FROM clients WHERE id = ?", id))
                .containsEntry("name", name)
                .containsEntry("address", "<b>2 Side St</b>");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM clients", Long.class))
                .isPositive();
    }

    private HttpJson.Response addClient(String accept, String json) {
        return gateway()
                .call(
                        "POST",
                        "/add-client",
                        Map.of("Authorization", "Bearer " + TestTokens.user(user), "Accept", accept),
                        json);
    }

    @Test
    void aCallerThatAcceptsNoJsonIsA406BeforeAnythingIsSaved() {
        String name = "Accepts XML " + UUID.randomUUID();
        long outboxBefore = jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class);

        HttpJson.Response xml = addClient("application/xml", client(name, null, null, "1 Main St"));

        assertThat(xml.status()).isEqualTo(406);
        assertThat(xml.body().get("error").asString()).isEqualTo("not_acceptable");
        assertThat(clientsNamed(name)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class))
                .isLessThanOrEqualTo(outboxBefore);
        assertThat(addClient("application/json, text/plain, */*", client(name, null, null, "1 Main St"))
                        .status())
                .isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/xml", "text/html"})
    void anInvalidRequestIsAnsweredInJsonWhateverTheAccept(String accept) {
        HttpJson.Response invalid = addClient(accept, client("", null, null, "1 Main St"));
        HttpJson.Response unknown = gateway()
                .call(
                        "GET",
                        "/no-such-page",
                        Map.of("Authorization", "Bearer " + TestTokens.user(user), "Accept", accept),
                        null);

        assertThat(invalid.status()).isEqualTo(406);
        assertThat(invalid.body().get("error").asString()).isEqualTo("not_acceptable");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").asString()).isEqualTo("not_found");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"name\": 123, \"address\": \"1 Main St\"}",
                "{\"name\": true, \"address\": \"1 Main St\"}",
                "{\"name\": \"Typed\", \"address\": 1.5e300}"
            })
    void aNumberOrABooleanIsNotTextAndIsA400ThatNamesTheField(String json) {
        long before = jdbc.queryForObject("SELECT count(*) FROM clients", Long.class);

        HttpJson.Response response = gateway().post("/add-client", TestTokens.user(user), json);

        assertThat(response.status()).isEqualTo(400);
        String field = json.contains("1.5e300") ? "address" : "name";
        assertThat(response.body().get("fields").get(field).asString()).contains("text in double quotes");
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM clients WHERE created_by = ? AND name IN ('123', 'true', " + "'Typed')",
                        Long.class,
                        user))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM clients", Long.class))
                .isLessThanOrEqualTo(before + 1);
    }

    @Test
    void lengthsCountCharactersNotUtf16UnitsSoThreeHundredEmojiFit() {
        String emoji = "\uD83D\uDE00".repeat(300) + " " + UUID.randomUUID();
        String tooMany = "\uD83D\uDE00".repeat(501);

        HttpJson.Response fits =
                gateway().post("/add-client", TestTokens.user(user), client(emoji, null, null, "1 Main St"));
        HttpJson.Response tooLong =
                gateway().post("/add-client", TestTokens.user(user), client(tooMany, null, null, "1 Main St"));

        assertThat(fits.status()).isEqualTo(200);
        assertThat(clientsNamed(emoji)).isEqualTo(1);
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body().get("fields").get("name").asString())
                .isEqualTo("must be at most 500 characters, was 501");
    }

    @Test
    void anUnpairedSurrogateIsA400AndNothingIsSaved() {
        String name = "Half " + UUID.randomUUID();

        HttpJson.Response response = gateway()
                .post(
                        "/add-client",
                        TestTokens.user(user),
                        "{\"name\": \"" + name + " \\ud83d\", \"address\": \"1 Main St\"}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("fields").get("name").asString()).contains("unpaired surrogate");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM clients WHERE name LIKE ?", Long.class, name + "%"))
                .isZero();
    }

    @Test
    void aLongBadValueIsQuotedOnceAndCutToAHundredCharacters() {
        String email = "9".repeat(450);

        HttpJson.Response response =
                gateway().post("/add-client", TestTokens.user(user), client("Ann", null, email, "1 Main St"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().toString()).hasSizeLessThan(600);
        String message = response.body().get("message").asString();
        assertThat(message).contains("'" + "9".repeat(100) + "…'");
        assertThat(message.indexOf("999")).isEqualTo(message.lastIndexOf("'" + "9".repeat(100)) + 1);
        assertThat(response.body().get("fields").get("email").asString()).doesNotContain("999");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "//add-client",
                "/;x=y/add-client",
                "/add-client;x=y",
                "/%2F",
                "/a%2Fadd-client",
                "/%5C",
                "/a/../add-client",
                "/%2e%2e/add-client"
            })
    void anAddressTheFirewallRefusesIsA400InJson(String path) {
        HttpJson.Response response = gateway().call("GET", path, Map.of("Accept", "text/html"), null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("error").asString()).isEqualTo("invalid_path");
    }

    @Test
    void noTokenIsA401AndNothingIsSaved() {
        HttpJson.Response response = gateway().post("/add-client", null, client("Nobody", null, null, "1 Nowhere Rd"));

        assertThat(response.status()).isEqualTo(401);
        assertThat(clientsNamed("Nobody")).isZero();
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswerAndCreatesNothing() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = client("Idem Potent", null, null, "3 Once Ave");

        HttpResponse<String> first = post("/add-client", body, key);
        HttpResponse<String> second = post("/add-client", body, key);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(second.body())).isEqualTo(JSON.readTree(first.body()));
        assertThat(second.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(clientsNamed("Idem Potent")).isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM outbox o JOIN clients c ON o.payload ->> 'entity_id' = c.id::text "
                                + "WHERE c.name = 'Idem Potent'",
                        Long.class))
                .isLessThanOrEqualTo(2);
    }

    @Test
    void twoSimultaneousRequestsWithOneKeyCreateOneClient() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = client("Double Click", null, null, "4 Twice St");

        List<CompletableFuture<HttpResponse<String>>> clicks = List.of(
                CompletableFuture.supplyAsync(() -> post("/add-client", body, key)),
                CompletableFuture.supplyAsync(() -> post("/add-client", body, key)),
                CompletableFuture.supplyAsync(() -> post("/add-client", body, key)));

        List<String> clientIds = clicks.stream()
                .map(CompletableFuture::join)
                .map(response -> JSON.readTree(response.body()).get("client_id").asString())
                .distinct()
                .toList();
        assertThat(clientIds).hasSize(1);
        assertThat(clientsNamed("Double Click")).isEqualTo(1);
    }

    @Test
    void aKeyReusedForAnotherRequestIsRefused() {
        String key = UUID.randomUUID().toString();
        post("/add-client", client("First Use", null, null, "5 First St"), key);

        HttpResponse<String> reused = post("/add-client", client("Second Use", null, null, "6 Second St"), key);

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(reused.body()).get("message").asString())
                .contains("already used for a different request");
        assertThat(clientsNamed("Second Use")).isZero();
    }

    @Test
    void aKeyReusedForAnInvalidRequestIsStillRefusedAsReused() {
        String key = UUID.randomUUID().toString();
        post("/add-client", client("Valid First", null, null, "5 First St"), key);

        HttpResponse<String> reused = post("/add-client", client("", "bad phone", null, "6 Second St"), key);

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(reused.body()).get("message").asString())
                .contains("already used for a different request");
    }

    @Test
    void aFailedRequestLeavesNoKeySoItsRetryRuns() {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> invalid = post("/add-client", client("Fix Me", "bad phone", null, "7 Retry Rd"), key);
        HttpResponse<String> fixed = post("/add-client", client("Fix Me", null, null, "7 Retry Rd"), key);

        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(fixed.statusCode()).isEqualTo(200);
        assertThat(clientsNamed("Fix Me")).isEqualTo(1);
    }

    @Test
    void withoutAKeyTwoRequestsAreTwoClients() {
        String body = client("Twin", null, null, "8 Same St");

        gateway().post("/add-client", TestTokens.user(user), body);
        gateway().post("/add-client", TestTokens.user(user), body);

        assertThat(clientsNamed("Twin")).isEqualTo(2);
    }

    @Test
    void theClientAndItsTasksCommitTogetherOrNotAtAll() {
        jdbc.execute("""
                CREATE FUNCTION fail_outbox_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.payload ->> 'entity_name' = 'Half Written' AND NEW.payload ->> 'task_type' = 'sync_quo' THEN
                        RAISE EXCEPTION 'injected failure between the client and its second task';
                    END IF;
                    RETURN NEW;
                END $$""");
        jdbc.execute("CREATE TRIGGER fail_outbox_for_test BEFORE INSERT ON outbox FOR EACH ROW "
                + "EXECUTE FUNCTION fail_outbox_for_test()");
        try {
            HttpJson.Response response = gateway()
                    .post("/add-client", TestTokens.user(user), client("Half Written", null, null, "9 Partial St"));

            assertThat(response.status()).isEqualTo(500);
            assertThat(response.body().get("message").asString())
                    .contains("nothing was changed")
                    .doesNotContain("injected");
            assertThat(clientsNamed("Half Written")).isZero();
            assertThat(jdbc.queryForObject(
                            "SELECT count(*) FROM outbox WHERE payload ->> 'entity_name' = 'Half Written'", Long.class))
                    .isZero();
        } finally {
            jdbc.execute("DROP TRIGGER fail_outbox_for_test ON outbox");
            jdbc.execute("DROP FUNCTION fail_outbox_for_test()");
        }
    }

    /**
     * The one statement that writes the client and its tasks is killed after both are written and before it commits
     * (an after-statement trigger holds it there; PostgreSQL runs a statement's AFTER triggers once all its parts ran):
     * neither the client nor its tasks exist afterwards.
     */
    @Test
    void aStatementKilledBeforeItCommitsLeavesNeitherTheClientNorItsTasks() {
        jdbc.execute("""
                CREATE FUNCTION hold_outbox_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT FROM clients WHERE name = 'Killed Midway') THEN
                        PERFORM pg_sleep(30);
                    END IF;
                    RETURN NULL;
                END $$""");
        jdbc.execute("CREATE TRIGGER hold_outbox_for_test AFTER INSERT ON outbox FOR EACH STATEMENT "
                + "EXECUTE FUNCTION hold_outbox_for_test()");
        try {
            CompletableFuture<HttpJson.Response> request = CompletableFuture.supplyAsync(() -> gateway()
                    .post("/add-client", TestTokens.user(user), client("Killed Midway", null, null, "9 Partial St")));
            Integer backend = await().atMost(java.time.Duration.ofSeconds(10))
                    .until(
                            () -> jdbc
                                    .query(
                                            "SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND query LIKE 'WITH go AS%'",
                                            (row, n) -> row.getInt(1))
                                    .stream()
                                    .findFirst()
                                    .orElse(null),
                            pid -> pid != null);

            assertThat(jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, backend))
                    .isTrue();

            assertThat(request.join().status()).isEqualTo(503);
            assertThat(clientsNamed("Killed Midway")).isZero();
            assertThat(jdbc.queryForObject(
                            "SELECT count(*) FROM outbox WHERE payload ->> 'entity_name' = " + "'Killed Midway'",
                            Long.class))
                    .isZero();
        } finally {
            jdbc.execute("DROP TRIGGER hold_outbox_for_test ON outbox");
            jdbc.execute("DROP FUNCTION hold_outbox_for_test()");
        }
    }

    private HttpResponse<String> post(String path, String body, String key) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .header("Authorization", "Bearer " + TestTokens.user(user))
                                    .header("Content-Type", "application/json")
                                    .header("Idempotency-Key", key)
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
