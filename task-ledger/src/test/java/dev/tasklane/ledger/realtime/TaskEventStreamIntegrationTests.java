package dev.tasklane.ledger.realtime;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.ledger.LedgerFixture;
import dev.tasklane.ledger.LedgerIntegrationTest;
import dev.tasklane.ledger.TaskEvents;
import dev.tasklane.ledger.projection.TaskProjector;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.RawSseStream;
import dev.tasklane.testsupport.SseClient;
import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@LedgerIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class TaskEventStreamIntegrationTests {

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

    @Test
    void aFailureReachesItsOwnerAndSupervisorsButNotAnotherUser() {
        UUID owner = UUID.randomUUID();
        try (SseClient owners = SseClient.open(client(), TestTokens.user(owner));
                SseClient others = SseClient.open(client(), TestTokens.user(UUID.randomUUID()));
                SseClient supervisors = SseClient.open(client(), TestTokens.supervisor(UUID.randomUUID()))) {

            TaskEvents task = ledger().aFailedTask(owner);

            SseClient.Event failure = owners.awaitTask(task.id().toString(), "failed");
            assertThat(failure.data().get("entity_name").asString()).isEqualTo("Jane Doe");
            assertThat(failure.data().get("error_message").asString()).contains("QUO_API_KEY");
            assertThat(failure.id()).isEqualTo(failure.data().get("change_seq").asString());
            supervisors.awaitTask(task.id().toString(), "failed");
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> !others.sawTask(task.id().toString()));
        }
    }

    @Test
    void aDismissalMadeThroughTheOldSqlFunctionIsStreamedToo() {
        UUID owner = UUID.randomUUID();
        TaskEvents task = ledger().aFailedTask(owner);
        try (SseClient stream = SseClient.open(client(), TestTokens.user(owner))) {

            jdbc.queryForList("SELECT dismiss_background_task(?, ?)", task.id(), owner);

            SseClient.Event dismissal = stream.await(event -> event.name().equals("task")
                    && event.data().get("id").asString().equals(task.id().toString())
                    && !event.data().get("dismissed_at").isNull());
            assertThat(dismissal.data().get("dismissed_by").asString()).isEqualTo(owner.toString());
        }
    }

    @Test
    void aClientThatReconnectsWithLastEventIdGetsWhatItMissed() {
        UUID owner = UUID.randomUUID();
        String lastSeen;
        try (SseClient first = SseClient.open(client(), TestTokens.user(owner))) {
            lastSeen = first.events().get(first.events().size() - 1).id();
        }

        TaskEvents missed = ledger().aFailedTask(owner);
        TaskEvents someoneElses = ledger().aFailedTask(UUID.randomUUID());

        try (SseClient resumed = SseClient.open(client(), TestTokens.user(owner), lastSeen)) {
            resumed.awaitTask(missed.id().toString(), "failed");
            assertThat(resumed.sawTask(someoneElses.id().toString()))
                    .as("resume runs under row-level security")
                    .isFalse();
        }
    }

    @Test
    void untilReadyEndsTheStreamAfterWhatWasMissedAndReady() {
        UUID owner = UUID.randomUUID();
        String lastSeen;
        try (SseClient first = SseClient.open(client(), TestTokens.user(owner))) {
            lastSeen = first.events().get(first.events().size() - 1).id();
        }
        TaskEvents missed = ledger().aFailedTask(owner);

        try (SseClient replay =
                SseClient.open(client(), "/task-events?until=ready", TestTokens.user(owner), lastSeen)) {
            replay.awaitEnd();

            assertThat(replay.sawTask(missed.id().toString())).isTrue();
            assertThat(replay.events().get(replay.events().size() - 1).name()).isEqualTo("ready");
        }
    }

    @Test
    void aClientThatLeftIsDroppedWithoutAStackTrace(CapturedOutput output) throws IOException {
        UUID owner = UUID.randomUUID();
        int before = output.getAll().length();
        int streamsBefore = streams.openStreams();
        new RawSseStream(port, TestTokens.user(owner)).reset();

        ledger().aFailedTask(owner);
        ledger().aFailedTask(owner);

        await().untilAsserted(() -> assertThat(streams.openStreams()).isLessThanOrEqualTo(streamsBefore));
        assertThat(output.getAll().substring(before)).doesNotContain(" ERROR ").doesNotContain("\tat ");
    }

    @Test
    void anIdleStreamSendsHeartbeats() {
        try (SseClient stream = SseClient.open(client(), TestTokens.user(UUID.randomUUID()))) {
            stream.awaitComment("heartbeat");
        }
    }

    @Test
    void aBadLastEventIdIsA400() {
        HttpJson.Response response =
                client().get("/task-events?last_event_id=yesterday", TestTokens.user(UUID.randomUUID()));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("fields").has("Last-Event-ID")).isTrue();
    }

    @Test
    void everyStatusChangeIsStreamedInOrder() {
        UUID owner = UUID.randomUUID();
        try (SseClient stream = SseClient.open(client(), TestTokens.user(owner))) {
            TaskEvents task = TaskEvents.aTask(owner);
            ledger().publish(task.requested(Instant.now()));
            stream.awaitTask(task.id().toString(), "pending");
            ledger().publish(task.started(Instant.now()));
            stream.awaitTask(task.id().toString(), "running");
            ledger().publish(task.completed(Instant.now()));

            stream.awaitTask(task.id().toString(), "completed");
        }
    }

    @Autowired
    TaskProjector projector;

    /** A batch too big for its ids to fit one notification reaches each owner, in order, and nobody else. */
    @Test
    void aProjectedBatchReachesEachOwnerInOrderAndNoOtherUser() {
        UUID owner = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        try (SseClient owners = SseClient.open(client(), TestTokens.user(owner));
                SseClient others = SseClient.open(client(), TestTokens.user(other));
                SseClient supervisors = SseClient.open(client(), TestTokens.supervisor(UUID.randomUUID()))) {
            List<TaskEvent> batch = new ArrayList<>();
            Set<String> ownersTasks = new HashSet<>();
            for (int i = 0; i < 250; i++) {
                TaskEvents task = TaskEvents.aTask(owner);
                ownersTasks.add(task.id().toString());
                batch.add(task.requested(Instant.now()));
            }
            TaskEvents othersTask = TaskEvents.aTask(other);
            batch.add(othersTask.requested(Instant.now()));

            projector.project(batch);

            others.awaitTask(othersTask.id().toString(), "pending");
            await().atMost(Duration.ofSeconds(20)).until(() -> tasksSeen(owners).containsAll(ownersTasks));
            List<SseClient.Event> received = owners.events().stream()
                    .filter(event -> event.name().equals("task"))
                    .toList();
            assertThat(received)
                    .extracting(event -> event.data().get("id").asString())
                    .doesNotHaveDuplicates()
                    .doesNotContain(othersTask.id().toString());
            assertThat(received).extracting(event -> Long.parseLong(event.id())).isSorted();
            assertThat(others.events())
                    .filteredOn(event -> event.name().equals("task"))
                    .extracting(event -> event.data().get("id").asString())
                    .containsOnly(othersTask.id().toString());
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> tasksSeen(supervisors).containsAll(ownersTasks)
                            && supervisors.sawTask(othersTask.id().toString()));
        }
    }

    private static Set<String> tasksSeen(SseClient stream) {
        return stream.events().stream()
                .filter(event -> event.name().equals("task"))
                .map(event -> event.data().get("id").asString())
                .collect(Collectors.toSet());
    }

    @Autowired
    TaskEventStream streams;

    @Autowired
    org.springframework.context.ApplicationContext context;

    /** Graceful shutdown waits for open requests; a stream never ends by itself, so shutdown must end it. */
    @Test
    void shuttingDownEndsTheOpenStreams() {
        try (SseClient open = SseClient.open(new HttpJson(port), TestTokens.user(UUID.randomUUID()))) {
            streams.onApplicationEvent(new org.springframework.context.event.ContextClosedEvent(context));

            open.awaitEnd();
        }
    }
}
