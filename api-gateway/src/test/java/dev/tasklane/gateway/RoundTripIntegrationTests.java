package dev.tasklane.gateway;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import dev.tasklane.testsupport.HttpJson;
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

import static dev.tasklane.gateway.GatewayRequests.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a request costs PostgreSQL, counted on the wire: one exchange to add a record with its tasks (with or without
 * an Idempotency-Key), two to change one (read and lock the row; write, queue and commit). The relay, the backlog
 * gauge and the pool's spare connections are kept off the wire, so every exchange counted is the request's.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tasklane.security.jwt.secret=" + TestTokens.SECRET,
            "logging.level.org.apache.kafka=WARN",
            "tasklane.gateway.outbox.relay=false",
            "tasklane.gateway.outbox.monitor-interval=1h",
            "spring.datasource.hikari.maximum-pool-size=1",
            "spring.datasource.hikari.minimum-idle=1"
        })
class RoundTripIntegrationTests {

    private static final TestDatabase DATABASE = TestPostgres.newDatabase();
    private static final URI SERVER = URI.create(DATABASE.url().substring("jdbc:".length()));
    private static final PgRoundTrips WIRE = new PgRoundTrips(SERVER.getHost(), SERVER.getPort());

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.datasource.url",
                () -> DATABASE.url().replace(":" + SERVER.getPort() + "/", ":" + WIRE.port() + "/"));
        registry.add("spring.datasource.username", DATABASE::user);
        registry.add("spring.datasource.password", DATABASE::password);
        registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @AfterAll
    static void closeWire() {
        WIRE.close();
    }

    @LocalServerPort
    int port;

    private final UUID user = UUID.randomUUID();

    private HttpJson.Response post(String path, String body, String key) {
        return new HttpJson(port)
                .call(
                        "POST",
                        path,
                        key == null
                                ? Map.of("Authorization", "Bearer " + TestTokens.user(user))
                                : Map.of("Authorization", "Bearer " + TestTokens.user(user), "Idempotency-Key", key),
                        body);
    }

    /** Asserts the exchanges {@code request} makes, after the same request warmed up the connection and the statement. */
    private void assertRoundTrips(Supplier<HttpJson.Response> request, long expected) {
        for (int i = 0; i < 3; i++) {
            assertThat(request.get().status()).isEqualTo(200);
        }
        long before = WIRE.count();
        HttpJson.Response response = request.get();
        long after = WIRE.count();
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
        assertThat(after - before)
                .as("exchanges; the last messages sent:%n%s", WIRE.recent())
                .isEqualTo(expected);
    }

    @Test
    void addingAClientWithItsTwoTasksIsOneExchange() {
        assertRoundTrips(() -> post("/add-client", body("name", "Wire Client", "address", "1 Wire St"), null), 1);
    }

    @Test
    void addingAClientWithAnIdempotencyKeyIsOneExchange() {
        assertRoundTrips(
                () -> post(
                        "/add-client",
                        body("name", "Keyed Client", "address", "2 Wire St"),
                        UUID.randomUUID().toString()),
                1);
    }

    @Test
    void addingADriverIsOneExchange() {
        assertRoundTrips(() -> post("/add-driver", body("name", "Wire Driver", "home_address", "3 Wire St"), null), 1);
    }

    @Test
    void changingAnAddressIsTwoExchanges() {
        String clientId = post("/add-client", body("name", "Moving Client", "address", "4 Wire St"), null)
                .body()
                .get("client_id")
                .asString();
        int[] version = {0};

        assertRoundTrips(
                () -> post("/update-client", body("client_id", clientId, "address", ++version[0] + " Moved Ave"), null),
                2);
    }
}
