package dev.tasklane.quo.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.quo.Clients;
import dev.tasklane.quo.QuoWorkerTest;
import dev.tasklane.testsupport.PoisonPills;
import dev.tasklane.testsupport.TestTopics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import static dev.tasklane.quo.QuoSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One instance at the key's full budget: a storm of 429s, an outage that opens the circuit, and records that are not
 * sync requests.
 */
@QuoWorkerTest
class QuoSyncStormIntegrationTests {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    private Clients clients;

    @BeforeEach
    void freshQuo() {
        SIMULATOR.reset();
        clients = new Clients(jdbc, kafka);
    }

    @Test
    void aStormOf429sDelaysTasksButEveryOneCompletesAndQuoNeverSeesMoreThan10RequestsASecond() {
        Clients.mode("{\"mode\": \"rate_limited\", \"count\": 8}");
        List<UUID> ids = new ArrayList<>();
        List<TaskRequested> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            UUID client = clients.aClient("Storm Client " + i, null, null);
            ids.add(client);
            requests.add(clients.syncClient(client, "Storm Client " + i));
        }

        requests.forEach(TestTopics::awaitCompleted);

        assertThat(ids)
                .allSatisfy(client -> assertThat(clients.contactsOf(client)).hasSize(1));
        assertThat(Clients.stats().at("/by_status/429").asInt()).isGreaterThanOrEqualTo(8);
        assertThat(Clients.stats().get("max_requests_in_one_second").asInt()).isBetween(5, 10);
        assertThat(requests)
                .allSatisfy(
                        request -> assertThat(TestTopics.events(TaskTopics.STATUS, request.taskId(), TaskFailed.class))
                                .isEmpty());
    }

    @Test
    void whileTheCircuitIsOpenTasksWaitAndResumeWhenQuoRecoversNoneFailed() {
        Clients.mode("{\"mode\": \"server_error\"}");
        List<TaskRequested> requests = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID client = clients.aClient("Outage Client " + i, null, null);
            requests.add(clients.syncClient(client, "Outage Client " + i));
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Clients.stats().at("/by_status/500").asInt() >= 5);
        int duringOutage = Clients.stats().get("requests").asInt();
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);

        assertThat(Clients.stats().get("requests").asInt())
                .as("an open circuit stops the calls")
                .isLessThanOrEqualTo(duringOutage + 2);
        Clients.mode("{\"mode\": \"ok\"}");
        requests.forEach(TestTopics::awaitCompleted);
        assertThat(requests)
                .allSatisfy(
                        request -> assertThat(TestTopics.events(TaskTopics.STATUS, request.taskId(), TaskFailed.class))
                                .isEmpty());
    }

    @Test
    void aRecordThatIsNotASyncRequestGoesToTheDeadLetterTopicAndTheNextOneRuns() throws Exception {
        PoisonPills pills = PoisonPills.publish(TaskTypes.SYNC_QUO, kafka);
        UUID client = clients.aClient("After Garbage", null, null);

        TestTopics.awaitCompleted(clients.syncClient(client, "After Garbage"));

        assertThat(pills.awaitDeadLetterReasons())
                .anySatisfy(reason -> assertThat(reason).contains("failed to deserialize"))
                .anySatisfy(reason -> assertThat(reason)
                        .contains("A TaskStarted of task type sync_quo reached the " + "sync_quo worker"));
    }
}
