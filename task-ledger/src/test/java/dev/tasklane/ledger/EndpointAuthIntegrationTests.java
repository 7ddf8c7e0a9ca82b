package dev.tasklane.ledger;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Every endpoint against every kind of caller: the design's table of who may call what. */
@LedgerIntegrationTest
class EndpointAuthIntegrationTests {

    private static final UUID OWNER = UUID.randomUUID();

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    static Stream<Arguments> endpoints() {
        return Stream.of(
                Arguments.of("GET", "/get-failed-tasks"),
                Arguments.of("GET", "/get-all-failed-tasks"),
                Arguments.of("GET", "/get-failed-tasks-summary"),
                Arguments.of("POST", "/dismiss-task"),
                Arguments.of("POST", "/dismiss-all-tasks"),
                Arguments.of("POST", "/retry-task"),
                Arguments.of("GET", "/tasks?entity_type=client&entity_id=" + UUID.randomUUID()),
                Arguments.of("GET", "/task-events"),
                Arguments.of("POST", "/admin/archive"));
    }

    static Stream<Arguments> badTokens() {
        UUID someone = UUID.randomUUID();
        return endpoints()
                .flatMap(endpoint -> Stream.of(
                        Arguments.of(endpoint.get()[0], endpoint.get()[1], "no token", null),
                        Arguments.of(
                                endpoint.get()[0],
                                endpoint.get()[1],
                                "expired",
                                TestTokens.expired(someone, Duration.ofMinutes(1))),
                        Arguments.of(
                                endpoint.get()[0],
                                endpoint.get()[1],
                                "wrong signature",
                                TestTokens.signedWithAnotherSecret(someone)),
                        Arguments.of(endpoint.get()[0], endpoint.get()[1], "alg none", TestTokens.unsigned(someone)),
                        Arguments.of(endpoint.get()[0], endpoint.get()[1], "garbage", "not.a.jwt")));
    }

    @ParameterizedTest(name = "{0} {1} with {2}: 401")
    @MethodSource("badTokens")
    void withoutAValidTokenEveryEndpointAnswers401(String method, String path, String kind, String token) {
        HttpJson.Response response = call(method, path, token, "{\"task_id\": \"" + UUID.randomUUID() + "\"}");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body().get("error").asString()).isEqualTo("unauthorized");
        if (token != null) {
            assertThat(response.body().toString()).doesNotContain(token);
        }
    }

    @Test
    void supervisorEndpointsAreForbiddenToUsers() {
        String user = TestTokens.user(UUID.randomUUID());
        String supervisor = TestTokens.supervisor(UUID.randomUUID());
        String admin = TestTokens.admin(UUID.randomUUID());

        for (String path : new String[] {"/get-all-failed-tasks", "/get-failed-tasks-summary"}) {
            assertThat(call("GET", path, user, null).status())
                    .as(path + " as user")
                    .isEqualTo(403);
            assertThat(call("GET", path, supervisor, null).status())
                    .as(path + " as supervisor")
                    .isEqualTo(200);
            assertThat(call("GET", path, admin, null).status())
                    .as(path + " as admin")
                    .isEqualTo(200);
        }
        assertThat(call("GET", "/get-all-failed-tasks", user, null)
                        .body()
                        .get("error")
                        .asString())
                .isEqualTo("forbidden");
    }

    @Test
    void theArchiveIsForAdminsOnly() {
        assertThat(call("POST", "/admin/archive", TestTokens.user(UUID.randomUUID()), null)
                        .status())
                .isEqualTo(403);
        assertThat(call("POST", "/admin/archive", TestTokens.supervisor(UUID.randomUUID()), null)
                        .status())
                .isEqualTo(403);
        assertThat(call("POST", "/admin/archive", TestTokens.admin(UUID.randomUUID()), null)
                        .status())
                .isIn(200, 409);
    }

    @Test
    void everyUserMayUseTheirOwnEndpoints() {
        String user = TestTokens.user(UUID.randomUUID());

        assertThat(call("GET", "/get-failed-tasks", user, null).status()).isEqualTo(200);
        assertThat(call("POST", "/dismiss-all-tasks", user, null).status()).isEqualTo(200);
        assertThat(call("GET", "/tasks?entity_type=client&entity_id=" + UUID.randomUUID(), user, null)
                        .status())
                .isEqualTo(200);
        assertThat(stream("/task-events", user).status()).isEqualTo(200);
    }

    @Test
    void aTaskOfSomeoneElseIsNotFoundForAUserAndActionableForASupervisor() {
        LedgerFixture ledger = new LedgerFixture(kafka, jdbc);
        String first = "{\"task_id\": \"" + ledger.aFailedTask(OWNER).id() + "\"}";
        String second = "{\"task_id\": \"" + ledger.aFailedTask(OWNER).id() + "\"}";
        String otherUser = TestTokens.user(UUID.randomUUID());
        String supervisor = TestTokens.supervisor(UUID.randomUUID());

        assertThat(call("POST", "/dismiss-task", otherUser, first).status()).isEqualTo(404);
        assertThat(call("POST", "/retry-task", otherUser, first).status()).isEqualTo(404);
        assertThat(call("POST", "/dismiss-task", supervisor, first).status()).isEqualTo(200);
        assertThat(call("POST", "/retry-task", supervisor, second).status()).isEqualTo(202);
        assertThat(call("POST", "/dismiss-task", TestTokens.user(OWNER), second).status())
                .as("the owner's failure is now being retried")
                .isEqualTo(409);
    }

    @Test
    void theStreamAcceptsTheTokenInTheQueryForBrowsersEventSource() {
        assertThat(stream("/task-events?access_token=" + TestTokens.user(UUID.randomUUID()), null)
                        .status())
                .isEqualTo(200);
        assertThat(new HttpJson(port)
                        .get("/get-failed-tasks?access_token=" + TestTokens.user(UUID.randomUUID()), null)
                        .status())
                .as("only the stream takes a token in the URL")
                .isEqualTo(401);
    }

    @Test
    void healthIsOpenAndMetricsNeedAnAdmin() {
        assertThat(call("GET", "/actuator/health", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/actuator/prometheus", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/actuator/metrics", TestTokens.user(UUID.randomUUID()), null)
                        .status())
                .isEqualTo(403);
    }

    private HttpJson.Response call(String method, String path, String token, String body) {
        HttpJson client = new HttpJson(port);
        if (path.startsWith("/task-events")) {
            return stream(path, token);
        }
        return method.equals("GET") ? client.get(path, token) : client.post(path, token, body);
    }

    /** A stream request: its status, and its body when it is an error rather than a stream. */
    private HttpJson.Response stream(String path, String token) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(new HttpJson(port).uri(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<java.io.InputStream> response =
                    HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = response.body()) {
                if (response.statusCode() == 200) {
                    return new HttpJson.Response(200, null);
                }
                return new HttpJson.Response(
                        response.statusCode(),
                        tools.jackson.databind.json.JsonMapper.builder().build().readTree(in.readAllBytes()));
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
