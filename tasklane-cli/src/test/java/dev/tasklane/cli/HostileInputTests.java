package dev.tasklane.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import dev.tasklane.cli.stack.Settings;
import dev.tasklane.testsupport.HttpJson;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input and hostile callers against the running stack: malformed bodies and headers on every endpoint, forged,
 * expired and unsigned tokens, another user's task ids, and each case a black-box probe found (issue 16). Only 4xx answers that say what is wrong, never a 5xx or a stack
 * trace, and nothing written.
 */
@Order(3)
class HostileInputTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> POSTS = List.of(
            "/add-client",
            "/update-client",
            "/add-driver",
            "/update-driver",
            "/save-appointment",
            "/dismiss-task",
            "/retry-task",
            "/dismiss-incident",
            "/retry-incident");
    private static final List<String> BAD_BODIES = List.of(
            "{",
            "not json",
            "[1, 2",
            "null",
            "\"a string\"",
            "123",
            "[]",
            "{}",
            "{\"name\": 123, \"address\": []}",
            "{\"name\": {\"nested\": true}, \"address\": \"1 Main St\"}",
            "{\"phone\": \"+12175550100\"}",
            "{\"name\": \"X\", \"address\": \"   \"}",
            "{\"name\": \"X\", \"address\": \"1 Main St\", \"phone\": \"call me\"}",
            "{\"name\": \"X\", \"address\": \"1 Main St\", \"email\": \"not-an-email\"}",
            "{\"name\": \"" + "N".repeat(600) + "\", \"address\": \"1 Main St\"}",
            "{\"client_id\": \"42\", \"name\": \"X\"}",
            "{\"driver_id\": \"not-a-uuid\", \"active\": \"maybe\"}",
            "{\"client_id\": \"" + UUID.randomUUID() + "\", \"scheduled_at\": \"next tuesday\"}",
            "{\"task_id\": \"12\"}",
            "{\"task_id\": null}",
            "{\"incident_id\": \"12\"}",
            "{\"task_id\": [\"" + UUID.randomUUID() + "\"]}",
            "{\"name\": \"X\", \"home_address\": \"\"}",
            "{\"name\": \"\\u0000\", \"address\": \"1 Main St\"}");

    private final RunningStack stack = RunningStack.get();

    private HttpResponse<String> send(String method, String path, Map<String, String> headers, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(stack.gateway().uri(path).toString()))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private long count(Connection db, String sql) throws Exception {
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private Map<String, Long> written(Connection db, UUID caller) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : List.of("clients", "drivers", "appointments")) {
            counts.put(table, count(db, "SELECT count(*) FROM " + table));
        }
        counts.put(
                "tasks of the caller",
                count(db, "SELECT count(*) FROM background_tasks WHERE created_by = '" + caller + "'"));
        counts.put("dismissed", count(db, "SELECT count(*) FROM background_tasks WHERE dismissed_at IS NOT NULL"));
        counts.put("attempts", count(db, "SELECT coalesce(sum(attempt), 0) FROM background_tasks"));
        return counts;
    }

    private static String unsigned(UUID user) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(("{\"sub\":\"" + user + "\",\"aud\":\"authenticated\",\"exp\":9999999999,"
                                + "\"app_metadata\":{\"role\":\"admin\"}}")
                        .getBytes(StandardCharsets.UTF_8))
                + ".";
    }

    @Test
    void twoHundredMalformedOrHostileRequestsGetOnly4xxThatSayWhatIsWrongAndWriteNothing() throws Exception {
        UUID caller = UUID.randomUUID();
        String secret =
                java.nio.file.Files.readString(stack.home.resolve("jwt-secret")).strip();
        String token = Tokens.mint(caller, "user", Duration.ofHours(1), secret);
        String owner = stack.tokens.get("user");
        HttpJson.Response someoneElses = stack.gateway()
                .post(
                        "/add-client",
                        owner,
                        "{\"name\": \"Owned By Another\", \"address\": \"3 Private Rd, Springfield, IL\"}");
        String othersTask =
                someoneElses.body().path("task_ids").path("sync_quo").asString();

        List<String[]> cases = new ArrayList<>(); // method, path, token, content type, body, extra header
        for (String path : POSTS) {
            for (String body : BAD_BODIES) {
                cases.add(new String[] {"POST", path, token, "application/json", body, null});
            }
        }
        for (String path : POSTS) {
            String body = "{\"name\": \"Tok\", \"address\": \"1 Main St\", \"task_id\": \"" + othersTask + "\"}";
            cases.add(new String[] {"POST", path, null, "application/json", body, null});
            cases.add(new String[] {"POST", path, "garbage", "application/json", body, null});
            cases.add(new String[] {"POST", path, unsigned(caller), "application/json", body, null});
            cases.add(new String[] {
                "POST",
                path,
                Tokens.mint(caller, "admin", Duration.ofSeconds(-120), secret),
                "application/json",
                body,
                null
            });
            cases.add(new String[] {
                "POST",
                path,
                Tokens.mint(caller, "admin", Duration.ofHours(1), "another-secret-that-is-long-enough-for-hs256"),
                "application/json",
                body,
                null
            });
            cases.add(new String[] {"POST", path, token, "text/plain", body, null});
            cases.add(
                    new String[] {"POST", path, token, "application/json", body, "Idempotency-Key:" + "k".repeat(300)});
        }
        cases.add(new String[] {
            "POST", "/dismiss-task", token, "application/json", "{\"task_id\": \"" + othersTask + "\"}", null
        });
        cases.add(new String[] {
            "POST", "/retry-task", token, "application/json", "{\"task_id\": \"" + othersTask + "\"}", null
        });
        for (String query : List.of(
                "/get-failed-tasks?limit=abc",
                "/get-failed-tasks?limit=100000",
                "/get-failed-tasks?before=yesterday",
                "/tasks?entity_type=spaceship&entity_id=1",
                "/tasks",
                "/get-all-failed-tasks",
                "/get-failed-tasks-summary",
                "/admin/archive")) {
            cases.add(new String[] {"GET", query, token, null, null, null});
        }
        Collections.shuffle(cases, new Random(42));
        List<String[]> chosen = cases.subList(0, Math.min(200, cases.size()));
        assertThat(chosen).hasSize(200);

        try (Connection db = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + stack.port(Settings.POSTGRES) + "/tasklane", "postgres", "")) {
            // the other person's two tasks reach the ledger by Kafka: counted before, not while the requests run
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> count(
                                    db,
                                    "SELECT count(*) FROM background_tasks WHERE entity_id = (SELECT entity_id FROM background_tasks "
                                            + "WHERE id = '" + othersTask + "')")
                            >= 2);
            Map<String, Long> before = written(db, caller);
            assertThat(send("GET", "/get-failed-tasks", Map.of("Authorization", "Bearer " + token), null)
                            .statusCode())
                    .as("the same way of calling, with a good request")
                    .isEqualTo(200);
            List<String> wrong = new ArrayList<>();
            java.util.Set<Integer> statuses = new java.util.TreeSet<>();
            for (String[] hostile : chosen) {
                Map<String, String> headers = new LinkedHashMap<>();
                if (hostile[2] != null) {
                    headers.put("Authorization", "Bearer " + hostile[2]);
                }
                if (hostile[3] != null) {
                    headers.put("Content-Type", hostile[3]);
                }
                if (hostile[5] != null) {
                    headers.put(
                            hostile[5].substring(0, hostile[5].indexOf(':')),
                            hostile[5].substring(hostile[5].indexOf(':') + 1));
                }
                String method = hostile[0].equals("POST") && hostile[1].equals("/admin/archive") ? "POST" : hostile[0];
                HttpResponse<String> answer = send(method, hostile[1], headers, hostile[4]);
                String said = answer.body();
                statuses.add(answer.statusCode());
                boolean clear = said.contains("\"message\"") && !said.contains("Exception") && !said.contains("\tat ");
                if (answer.statusCode() < 400 || answer.statusCode() >= 500 || !clear) {
                    wrong.add(answer.statusCode() + " " + hostile[0] + " " + hostile[1] + " body="
                            + abbreviate(hostile[4]) + " -> " + abbreviate(said));
                }
            }
            assertThat(wrong).as("answers that were not a clear 4xx").isEmpty();
            assertThat(statuses)
                    .as("refused for their own reasons, not one catch-all")
                    .contains(400, 401, 403, 404, 415);
            assertThat(written(db, caller)).as("nothing written").isEqualTo(before);
        }
    }

    /** One request of the probe: what is sent, and the status and error code (and field) it must get. */
    private record Probe(
            String what,
            String method,
            String path,
            Map<String, String> headers,
            String body,
            int status,
            String error,
            String field) {}

    @Test
    void eachCaseOfTheBlackBoxProbeIsAnsweredInTasklaneJsonAndWritesNothing() throws Exception {
        String token = stack.tokens.get("user");
        Map<String, String> json = Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");
        Map<String, String> xml = Map.of(
                "Authorization", "Bearer " + token, "Content-Type", "application/json", "Accept", "application/xml");
        Map<String, String> html =
                Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json", "Accept", "text/html");
        String name = "Probe " + UUID.randomUUID();
        String valid = "{\"name\": \"" + name + "\", \"address\": \"1 Probe Rd, Springfield, IL\"}";
        String huge = "x".repeat(2_000_000);
        List<Probe> probes = List.of(
                new Probe("a valid add-client for XML", "POST", "/add-client", xml, valid, 406, "not_acceptable", null),
                new Probe(
                        "an invalid add-client for XML", "POST", "/add-client", xml, "{}", 406, "not_acceptable", null),
                new Probe(
                        "an invalid add-client for HTML",
                        "POST",
                        "/add-client",
                        html,
                        "{}",
                        406,
                        "not_acceptable",
                        null),
                new Probe(
                        "a bad limit for HTML, at the ledger",
                        "GET",
                        "/get-failed-tasks?limit=abc",
                        html,
                        null,
                        406,
                        "not_acceptable",
                        null),
                new Probe("an unknown address for HTML", "GET", "/no-such-page", html, null, 404, "not_found", null),
                new Probe(
                        "before in the year 300000",
                        "GET",
                        "/get-failed-tasks?before=%2B300000-01-01T00:00:00Z",
                        json,
                        null,
                        400,
                        "invalid_request",
                        "before"),
                new Probe(
                        "scheduled_at in the year 300000",
                        "POST",
                        "/save-appointment",
                        json,
                        "{\"client_id\": \"" + UUID.randomUUID() + "\", \"scheduled_at\": \"+300000-01-01T00:00:00Z\"}",
                        400,
                        "invalid_request",
                        "scheduled_at"),
                new Probe(
                        "a 2 MB status",
                        "POST",
                        "/save-appointment",
                        json,
                        "{\"status\": \"" + huge + "\"}",
                        400,
                        "invalid_request",
                        "status"),
                new Probe(
                        "a number for a name",
                        "POST",
                        "/add-client",
                        json,
                        "{\"name\": 123, \"address\": \"1 Main St\"}",
                        400,
                        "invalid_request",
                        "name"),
                new Probe(
                        "true for a name",
                        "POST",
                        "/add-client",
                        json,
                        "{\"name\": true, \"address\": \"1 Main St\"}",
                        400,
                        "invalid_request",
                        "name"),
                new Probe(
                        "1.5e300 for an address",
                        "POST",
                        "/add-client",
                        json,
                        "{\"name\": \"X\", \"address\": 1.5e300}",
                        400,
                        "invalid_request",
                        "address"),
                new Probe(
                        "a lone surrogate in a name",
                        "POST",
                        "/add-client",
                        json,
                        "{\"name\": \"X \\ud83d\", \"address\": \"1 Main St\"}",
                        400,
                        "invalid_request",
                        "name"),
                new Probe("a double slash", "GET", "//get-failed-tasks", html, null, 400, "invalid_path", null),
                new Probe("a path parameter", "GET", "/;x=y/get-failed-tasks", html, null, 400, "invalid_path", null),
                new Probe("an encoded slash", "GET", "/%2Fget-failed-tasks", html, null, 400, "invalid_path", null));

        List<String> wrong = new ArrayList<>();
        for (Probe probe : probes) {
            HttpResponse<String> answer = send(probe.method(), probe.path(), probe.headers(), probe.body());
            JsonNode said =
                    answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                            ? JSON.readTree(answer.body())
                            : null;
            boolean right = answer.statusCode() == probe.status()
                    && said != null
                    && probe.error().equals(said.path("error").asString())
                    && (probe.field() == null || said.path("fields").has(probe.field()))
                    && answer.body().length() < 2_000;
            if (!right) {
                wrong.add(probe.what() + ": " + answer.statusCode() + " " + abbreviate(answer.body()));
            }
        }
        assertThat(wrong).as("probes not answered as they should be").isEmpty();

        String emoji = "\uD83D\uDE00".repeat(300);
        HttpJson.Response fits = stack.gateway()
                .post("/add-client", token, "{\"name\": \"" + emoji + "\", \"address\": \"1 Emoji Rd\"}");
        assertThat(fits.status())
                .as("300 emoji are 300 characters, under the limit of 500")
                .isEqualTo(200);
        try (Connection db = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + stack.port(Settings.POSTGRES) + "/tasklane", "postgres", "")) {
            assertThat(count(db, "SELECT count(*) FROM clients WHERE name = '" + name + "'"))
                    .as("the add-client refused for its Accept saved nothing")
                    .isZero();
            assertThat(count(db, "SELECT count(*) FROM clients WHERE name = '" + emoji + "'"))
                    .isEqualTo(1);
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "null" : text.length() <= 160 ? text : text.substring(0, 160) + "…";
    }
}
