package dev.tasklane.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.tasklane.testsupport.TcpProxy;
import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestKafka;
import dev.tasklane.testsupport.TestPostgres;
import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.tasklane.gateway.GatewayRequests.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL gone while clients are added (every connection to it cut, new ones refused, as when its machine goes
 * away): each request fails fast with a 503 that says what happened, no client is written without its tasks, and the
 * gateway serves again as soon as the database is back, without a restart.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tasklane.security.jwt.secret=" + TestTokens.SECRET,
            "logging.level.org.apache.kafka=WARN",
            "logging.level.com.zaxxer.hikari=ERROR",
            // the outbox rows stay, so a test can count them next to the clients
            "tasklane.gateway.outbox.relay=false"
        })
class DatabaseOutageIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TestDatabase DATABASE = TestPostgres.newDatabase();
    private static final URI SERVER = URI.create(DATABASE.url().substring("jdbc:".length()));
    private static final TcpProxy PROXY = new TcpProxy(SERVER.getHost(), SERVER.getPort());

    /** Longer than a fast failure needs, far shorter than the 30 s a default connection pool would hang. */
    private static final HttpClient BROWSER =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.datasource.url",
                () -> DATABASE.url().replace(":" + SERVER.getPort() + "/", ":" + PROXY.port() + "/"));
        registry.add("spring.datasource.username", DATABASE::user);
        registry.add("spring.datasource.password", DATABASE::password);
        registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @AfterAll
    static void closeProxy() {
        PROXY.close();
    }

    @LocalServerPort
    int port;

    private final String token = TestTokens.user(UUID.randomUUID());

    @Test
    void withTheDatabaseGoneRequestsFailFastWith503AndNothingIsWrittenThenItServesAgain() throws Exception {
        assertThat(addClient("Before Outage").statusCode()).isEqualTo(200);

        PROXY.cut();
        ExecutorService browsers = Executors.newFixedThreadPool(4);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                String name = "During Outage " + i;
                answers.add(browsers.submit(() -> addClient(name)));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                JsonNode error = JSON.readTree(response.body());
                assertThat(error.path("error").asString()).isEqualTo("database_unavailable");
                assertThat(error.path("message").asString())
                        .contains("task database")
                        .contains("Try again");
                assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.tasklane");
            }
        } finally {
            browsers.shutdown();
        }
        // once the pool knows its connections are gone, no statement is even sent: the answer says nothing was changed
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(600))
                .until(
                        () -> JSON.readTree(addClient("Still Out").body())
                                .path("message")
                                .asString(),
                        message -> message.contains("cannot be reached right now; nothing was changed"));

        PROXY.restore();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> addClient("After Outage").statusCode() == 200);

        try (Connection db = DriverManager.getConnection(DATABASE.url(), DATABASE.user(), DATABASE.password());
                PreparedStatement clients = db.prepareStatement("SELECT count(*) FROM clients WHERE name LIKE ?")) {
            clients.setString(1, "During Outage %");
            assertThat(count(clients))
                    .as("no client written while the database was gone")
                    .isZero();
            clients.setString(1, "Still Out");
            assertThat(count(clients))
                    .as("no client written while the database was gone")
                    .isZero();
            clients.setString(1, "After Outage");
            assertThat(count(clients))
                    .as("the gateway serves again without a restart")
                    .isEqualTo(1);
        }
    }

    /**
     * HikariCP waits ever longer between its attempts to reconnect (10 ms, doubling, up to 5 s): 6.5 s into an outage
     * its next attempt would come 3.6 s after the database returned, so the first request would wait out its 2 s
     * connection-timeout and fail. The pool's driver keeps each attempt trying every 100 ms instead.
     */
    @Test
    void theFirstRequestAfterTheDatabaseReturnsSucceeds() throws Exception {
        assertThat(addClient("Before Blip").statusCode()).isEqualTo(200);

        PROXY.cut();
        long cut = System.nanoTime();
        // this request finds the pooled connections dead, and from then on the pool tries to connect again
        assertThat(addClient("During Blip").statusCode()).isEqualTo(503);
        await().pollDelay(Duration.ofNanos(Math.max(0, Duration.ofMillis(6500).toNanos() - (System.nanoTime() - cut))))
                .until(() -> true);
        PROXY.restore();
        long back = System.nanoTime();

        HttpResponse<String> first = addClient("Right After Blip");
        System.out.printf(
                "The first add-client after the database returned answered %d in %.2f s.%n",
                first.statusCode(), (System.nanoTime() - back) / 1e9);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    }

    /**
     * The request's one statement reached PostgreSQL before the connection broke, so PostgreSQL finishes it on its own:
     * the client is saved with both its tasks, never without them, and the answer said it may have been saved.
     */
    @Test
    void aConnectionLostInTheMiddleOfARequestIsA503ThatSaysSoAndTheClientIsNeverWrittenWithoutItsTasks()
            throws Exception {
        try (Connection holder = DriverManager.getConnection(DATABASE.url(), DATABASE.user(), DATABASE.password());
                Statement statement = holder.createStatement()) {
            assertThat(addClient("Before Cut").statusCode()).isEqualTo(200);
            holder.setAutoCommit(false);
            // the request's statement waits for this lock: it is running when the connection is cut
            statement.execute("LOCK TABLE clients IN ACCESS EXCLUSIVE MODE");
            CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return addClient("Cut Mid-Request");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingForALock(statement));
            PROXY.cut();
            try {
                HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                JsonNode error = JSON.readTree(response.body());
                assertThat(error.path("error").asString()).isEqualTo("database_unavailable");
                assertThat(error.path("message").asString())
                        .contains("lost during this request")
                        .contains("Idempotency-Key");
            } finally {
                holder.rollback();
                PROXY.restore();
            }
            holder.setAutoCommit(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) {
                    rows.next();
                    return rows.getLong(1) == 0;
                }
            });
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            count(statement, "SELECT count(*) FROM clients " + "WHERE name = 'Cut Mid-Request'") == 1);
            assertThat(count(
                            statement,
                            "SELECT count(*) FROM outbox WHERE payload ->> 'entity_name' = 'Cut Mid-Request'"))
                    .as("the client's two tasks, written by the same statement")
                    .isEqualTo(2);
        }
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> addClient("After Cut").statusCode() == 200);
    }

    private static boolean waitingForALock(Statement statement) throws Exception {
        try (ResultSet rows =
                statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        + "AND query LIKE '%INSERT INTO clients%'")) {
            rows.next();
            return rows.getLong(1) > 0;
        }
    }

    private HttpResponse<String> addClient(String name) throws Exception {
        return BROWSER.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/add-client"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body("name", name, "address", "1 Outage Way")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long count(Statement statement, String sql) throws Exception {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long count(PreparedStatement query) throws Exception {
        try (ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
