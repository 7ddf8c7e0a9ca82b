package dev.tasklane.gateway.routing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.SseClient;
import dev.tasklane.testsupport.TasklaneInfrastructure;
import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger's endpoints through the gateway: the gateway's route (Spring Cloud Gateway Server MVC) is what is under
 * test, so the upstream here is a small HTTP server that records what reaches it and answers like the ledger.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tasklane.security.jwt.secret=" + TestTokens.SECRET})
@ContextConfiguration(initializers = TasklaneInfrastructure.class)
class LedgerRoutingIntegrationTests {

    private record Seen(String method, String path, String query, String authorization, String body) {}

    private static final List<Seen> SEEN = new CopyOnWriteArrayList<>();
    private static final CountDownLatch SECOND_EVENT_MAY_GO = new CountDownLatch(1);
    private static final HttpServer LEDGER = startLedger();

    @DynamicPropertySource
    static void ledger(DynamicPropertyRegistry registry) {
        registry.add(
                "tasklane.gateway.ledger-url",
                () -> "http://127.0.0.1:" + LEDGER.getAddress().getPort());
    }

    @AfterAll
    static void stopLedger() {
        LEDGER.stop(0);
    }

    @LocalServerPort
    int port;

    private static HttpServer startLedger() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", LedgerRoutingIntegrationTests::answer);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        SEEN.add(new Seen(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getQuery(),
                exchange.getRequestHeaders().getFirst("Authorization"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        if (exchange.getRequestURI().getPath().equals("/task-events")) {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("event: ready\nid: 1\ndata: {\"change_seq\": 1}\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                // the second event waits until the client has the first: a buffering proxy would never deliver it
                SECOND_EVENT_MAY_GO.await(20, TimeUnit.SECONDS);
                out.write("event: task\nid: 2\ndata: {\"id\": \"t1\", \"status\": \"failed\"}\n\n"
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] body = "{\"success\": true, \"tasks\": []}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Test
    void aTaskEndpointReachesTheLedgerWithTheCallersTokenQueryAndBody() {
        String token = TestTokens.user(UUID.randomUUID());

        HttpJson.Response list = new HttpJson(port).get("/get-failed-tasks?limit=5", token);
        HttpJson.Response dismiss = new HttpJson(port).post("/dismiss-task", token, "{\"task_id\": \"abc\"}");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().get("success").asBoolean()).isTrue();
        assertThat(dismiss.status()).isEqualTo(200);
        assertThat(SEEN).anySatisfy(seen -> {
            assertThat(seen.path()).isEqualTo("/get-failed-tasks");
            assertThat(seen.query()).isEqualTo("limit=5");
            assertThat(seen.authorization()).isEqualTo("Bearer " + token);
        });
        assertThat(SEEN).anySatisfy(seen -> {
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.path()).isEqualTo("/dismiss-task");
            assertThat(seen.body()).isEqualTo("{\"task_id\": \"abc\"}");
        });
    }

    @Test
    void theIncidentEndpointsReachTheLedger() {
        String token = TestTokens.supervisor(UUID.randomUUID());

        HttpJson.Response incidents = new HttpJson(port).get("/incidents?status=open", token);
        HttpJson.Response retry = new HttpJson(port).post("/retry-incident", token, "{\"incident_id\": \"i1\"}");
        HttpJson.Response dismiss = new HttpJson(port).post("/dismiss-incident", token, "{\"incident_id\": \"i2\"}");

        assertThat(List.of(incidents.status(), retry.status(), dismiss.status()))
                .containsOnly(200);
        assertThat(SEEN).anySatisfy(seen -> {
            assertThat(seen.method()).isEqualTo("GET");
            assertThat(seen.path()).isEqualTo("/incidents");
            assertThat(seen.query()).isEqualTo("status=open");
            assertThat(seen.authorization()).isEqualTo("Bearer " + token);
        });
        assertThat(SEEN).anySatisfy(seen -> {
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.path()).isEqualTo("/retry-incident");
            assertThat(seen.body()).isEqualTo("{\"incident_id\": \"i1\"}");
        });
        assertThat(SEEN).anySatisfy(seen -> {
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.path()).isEqualTo("/dismiss-incident");
            assertThat(seen.body()).isEqualTo("{\"incident_id\": \"i2\"}");
        });
    }

    @Test
    void withoutATokenTheGatewayAnswers401AndTheLedgerIsNotCalled() {
        int before = SEEN.size();

        HttpJson.Response response = new HttpJson(port).get("/get-all-failed-tasks", null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(SEEN).hasSize(before);
    }

    @Test
    void theEventStreamFlowsThroughEventByEvent() {
        try (SseClient stream = SseClient.open(new HttpJson(port), TestTokens.user(UUID.randomUUID()))) {
            SECOND_EVENT_MAY_GO.countDown();

            SseClient.Event failure = stream.awaitTask("t1", "failed");

            assertThat(failure.id()).isEqualTo("2");
        }
        assertThat(SEEN).anySatisfy(seen -> assertThat(seen.path()).isEqualTo("/task-events"));
    }
}
