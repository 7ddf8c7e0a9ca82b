package dev.tasklane.gateway.streams;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.RawSseStream;
import dev.tasklane.testsupport.SseClient;
import dev.tasklane.testsupport.TasklaneInfrastructure;
import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's own {@code /task-events}: streams hold no thread (Tomcat has 4 here, and 24 streams stay open while
 * other requests are answered), the streams of one audience share one connection to the ledger, a person gets at most
 * {@code per-user} of them, a resumed stream gets what it missed before the live events, and streams that end say so
 * in one log line, not a stack trace each. The ledger is a stand-in that speaks its stream protocol.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tasklane.security.jwt.secret=" + TestTokens.SECRET,
            "server.tomcat.threads.max=4",
            "server.tomcat.threads.min-spare=1",
            "tasklane.gateway.streams.per-user=3",
            "tasklane.gateway.streams.log-summary-every=500ms"
        })
@ContextConfiguration(initializers = TasklaneInfrastructure.class)
@ExtendWith(OutputCaptureExtension.class)
class TaskStreamIntegrationTests {

    private static final LedgerStreamStandIn LEDGER = standIn();

    @DynamicPropertySource
    static void ledger(DynamicPropertyRegistry registry) {
        registry.add("tasklane.gateway.ledger-url", LEDGER::url);
    }

    @AfterAll
    static void stopLedger() {
        LEDGER.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    TaskStreams streams;

    @Test
    void manyMoreStreamsThanThreadsStayOpenWhileOtherRequestsAreAnswered() {
        List<UUID> users = new ArrayList<>();
        List<SseClient> open = new ArrayList<>();
        try {
            for (int user = 0; user < 8; user++) {
                UUID id = UUID.randomUUID();
                users.add(id);
                for (int tab = 0; tab < 3; tab++) {
                    open.add(SseClient.open(new HttpJson(port), TestTokens.user(id)));
                }
            }

            HttpJson.Response health = new HttpJson(port).get("/actuator/health", null);
            HttpJson.Response badRequest = new HttpJson(port).post("/add-client", TestTokens.user(users.get(0)), "{}");

            assertThat(health.status()).isEqualTo(200);
            assertThat(badRequest.status()).isEqualTo(400);
            assertThat(streams.openStreams()).isGreaterThanOrEqualTo(24);
            // three tabs of one person share one connection to the ledger
            users.forEach(
                    id -> assertThat(LEDGER.streamsOpenedFor(id.toString())).isEqualTo(1));

            LEDGER.push(users.get(1).toString(), 101, "t-" + users.get(1), "failed");
            users.forEach(id -> LEDGER.push(id.toString(), 102, "t-marker", "completed"));

            for (int stream = 0; stream < open.size(); stream++) {
                open.get(stream).awaitTask("t-marker", "completed");
                // only user 1's three tabs (streams 3, 4, 5) hear of user 1's failure
                assertThat(open.get(stream).sawTask("t-" + users.get(1))).isEqualTo(stream / 3 == 1);
            }
        } finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void oneStreamMoreThanAPersonMayHoldIsRefusedWith429ButAClosedTabMakesRoomAtOnce() throws IOException {
        String token = TestTokens.user(UUID.randomUUID());
        try (RawSseStream first = new RawSseStream(port, token);
                RawSseStream second = new RawSseStream(port, token);
                RawSseStream third = new RawSseStream(port, token)) {
            first.close();

            // a reload: the closed tab's stream is found out by the probe, not by waiting for the ledger's heartbeat
            try (SseClient reloaded = SseClient.open(new HttpJson(port), token)) {
                HttpJson.Response fourth = new HttpJson(port).get("/task-events", token);

                assertThat(fourth.status()).isEqualTo(429);
                assertThat(fourth.body().get("error").asString()).isEqualTo("too_many_streams");
                assertThat(fourth.body().get("message").asString())
                        .contains("3 live task update streams")
                        .contains("Close Tasklane in the tabs or windows you no longer use");
                assertThat(reloaded.events()).extracting(SseClient.Event::name).contains("ready");
            }
        }
    }

    @Test
    void aLateStreamGetsReadyAtTheLastEventPassedOnAndSupervisorsShareOneConnection() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        try (SseClient early = SseClient.open(new HttpJson(port), TestTokens.supervisor(first))) {
            LEDGER.push(first.toString(), 140, "t-late", "failed");
            early.awaitTask("t-late", "failed");

            try (SseClient late = SseClient.open(new HttpJson(port), TestTokens.admin(second))) {
                assertThat(late.events().get(0).name()).isEqualTo("ready");
                assertThat(late.events().get(0).id()).isEqualTo("140");
                assertThat(LEDGER.streamsOpenedFor(second.toString())).isZero();

                LEDGER.push(first.toString(), 141, "t-both", "failed");

                late.awaitTask("t-both", "failed");
                early.awaitTask("t-both", "failed");
            }
        }
    }

    @Test
    void aResumingStreamGetsWhatItMissedFromTheLedgerAsItselfThenTheLiveEvents() {
        UUID id = UUID.randomUUID();
        String token = TestTokens.user(id);
        LEDGER.missed.put(id.toString(), "event:task\nid:97\ndata:{\"id\":\"t-missed\",\"status\":\"failed\"}\n\n");
        try (SseClient live = SseClient.open(new HttpJson(port), token);
                SseClient resumed = SseClient.open(new HttpJson(port), token, "96")) {
            LEDGER.push(id.toString(), 150, "t-live", "failed");

            resumed.awaitTask("t-live", "failed");

            List<String> names = resumed.events().stream()
                    .map(event -> event.name() + ":" + event.id())
                    .toList();
            assertThat(names).startsWith("task:97", "ready:100").contains("task:150");
            assertThat(LEDGER.requests).anySatisfy(request -> {
                assertThat(request.subject()).isEqualTo(id.toString());
                assertThat(request.lastEventId()).isEqualTo("96");
                assertThat(request.query()).isEqualTo("until=ready");
            });
            assertThat(LEDGER.streamsOpenedFor(id.toString())).isEqualTo(1);
        }
    }

    @Test
    void theLedgersRefusalReachesTheBrowserAsItsJsonAnswer() {
        UUID id = UUID.randomUUID();
        LEDGER.refused.put(id.toString(), true);

        HttpJson.Response refused = new HttpJson(port).get("/task-events", TestTokens.user(id));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body().get("message").asString()).isEqualTo("The token has expired.");
    }

    @Test
    void aBadLastEventIdIsA400NamingIt() {
        HttpJson.Response response =
                new HttpJson(port).get("/task-events?last_event_id=abc", TestTokens.user(UUID.randomUUID()));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("fields").has("Last-Event-ID")).isTrue();
    }

    @Test
    void aMassDisconnectLogsOneLineNotAStackTraceEach(CapturedOutput output) throws IOException {
        List<RawSseStream> open = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (int user = 0; user < 10; user++) {
            UUID id = UUID.randomUUID();
            users.add(id.toString());
            for (int tab = 0; tab < 3; tab++) {
                open.add(new RawSseStream(port, TestTokens.user(id)));
            }
        }
        int streamsBefore = streams.openStreams();
        int before = output.getAll().length();

        for (int stream = 0; stream < open.size(); stream++) {
            if (stream % 2 == 0) {
                open.get(stream).reset();
            } else {
                open.get(stream).close();
            }
        }
        // the ledger's next events (or heartbeats) are what reveal the closed connections
        users.forEach(user -> LEDGER.push(user, 160, "t-after", "failed"));
        users.forEach(user -> LEDGER.push(user, 161, "t-after", "completed"));

        await().untilAsserted(() -> assertThat(streams.openStreams()).isLessThanOrEqualTo(streamsBefore - 30));
        await().untilAsserted(
                        () -> assertThat(output.getAll().substring(before)).contains("task event stream(s) ended"));
        String after = output.getAll().substring(before);
        assertThat(after.lines()
                        .filter(line -> line.contains("task event stream(s) ended"))
                        .count())
                .isLessThanOrEqualTo(2);
        assertThat(after).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static LedgerStreamStandIn standIn() {
        try {
            return new LedgerStreamStandIn();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
