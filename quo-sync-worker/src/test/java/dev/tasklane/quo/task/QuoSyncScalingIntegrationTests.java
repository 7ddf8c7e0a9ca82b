package dev.tasklane.quo.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.quo.Clients;
import dev.tasklane.quo.QuoSimulatorHolder;
import dev.tasklane.quo.QuoSyncWorkerApplication;
import dev.tasklane.quo.QuoWorkerTest;
import dev.tasklane.testsupport.AnotherInstance;
import dev.tasklane.testsupport.TestTopics;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import static dev.tasklane.quo.QuoSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instances sharing one key, each set to the key's whole quota of 10 requests per second as the operations guide says:
 * together they never go past it (not one 429), with two instances and with three while one joins and another leaves.
 * Two consumers each, so three instances still each get some of the topic's 6 partitions.
 */
@QuoWorkerTest
@TestPropertySource(
        properties = {"tasklane.quo.quota-per-second=10", "tasklane.worker.task-types[sync_quo].consumers=2"})
class QuoSyncScalingIntegrationTests {

    /** 60 in the build, to keep CI inside its time; -Dtasklane.test.scale-clients=300 runs the full 300. */
    private static final int CLIENTS = Integer.getInteger("tasklane.test.scale-clients", 60);

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    Environment environment;

    private ConfigurableApplicationContext anotherInstance() {
        return AnotherInstance.start(
                QuoSyncWorkerApplication.class,
                environment,
                "tasklane.quo.base-url=" + SIMULATOR.baseUrl(),
                "tasklane.quo.api-key=" + QuoSimulatorHolder.KEY,
                "tasklane.quo.quota-per-second=10",
                "tasklane.worker.task-types[sync_quo].consumers=2");
    }

    @Test
    void twoInstancesShareTheClientsWithoutADuplicateContactOrA429() {
        SIMULATOR.reset();
        try (ConfigurableApplicationContext second = anotherInstance()) {
            Batch batch = new Batch();
            batch.publish("Scale Client", "+1212555%04d", CLIENTS);

            List<TaskCompleted> completed = batch.awaitCompleted(batch.taskIds.size());

            batch.assertOneContactEachAndNo429();
            assertThat(new HashSet<>(
                            completed.stream().map(TaskCompleted::worker).toList()))
                    .as("both instances did some of the work")
                    .hasSize(2);
        }
    }

    /**
     * The second half of the clients comes once the third instance has joined: a poll takes up to 10 requests, so
     * tasks published before could all be taken already.
     */
    @Test
    void threeInstancesStayWithinTheKeysQuotaWhileOneJoinsAndAnotherLeaves() {
        SIMULATOR.reset();
        ConfigurableApplicationContext second = anotherInstance();
        try {
            Batch batch = new Batch();
            batch.publish("Rebalanced Client", "+1312555%04d", CLIENTS / 2);
            batch.awaitCompleted(5);
            try (ConfigurableApplicationContext third = anotherInstance()) {
                batch.publish("Joined Client", "+1412555%04d", CLIENTS / 2);
                batch.awaitCompleted(batch.taskIds.size() * 2 / 3);
                second.close();

                List<TaskCompleted> completed = batch.awaitCompleted(batch.taskIds.size());

                batch.assertOneContactEachAndNo429();
                assertThat(new HashSet<>(
                                completed.stream().map(TaskCompleted::worker).toList()))
                        .as("the first, the one that left and the one that joined all did some of the work")
                        .hasSize(3);
            }
        } finally {
            second.close();
        }
    }

    /** New clients, each synced, and every tenth twice (likely on another partition and instance). */
    private final class Batch {

        final List<UUID> clients = new ArrayList<>();
        final Set<UUID> taskIds = new HashSet<>();

        void publish(String name, String phone, int count) {
            Clients quo = new Clients(jdbc, kafka);
            for (int i = 0; i < count; i++) {
                UUID client = quo.aClient(name + " " + i, String.format(phone, i), null);
                clients.add(client);
                taskIds.add(quo.syncClient(client, name + " " + i).taskId());
                if (i % 10 == 0) {
                    taskIds.add(quo.syncClient(client, name + " " + i).taskId());
                }
            }
        }

        /** The completions of this batch's tasks, once at least {@code count} tasks have one. */
        List<TaskCompleted> awaitCompleted(int count) {
            return await().atMost(Duration.ofSeconds(60 + CLIENTS))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> TestTopics.events(TaskTopics.STATUS, TaskCompleted.class).stream()
                                    .filter(done -> taskIds.contains(done.taskId()))
                                    .toList(),
                            done -> done.stream()
                                            .map(TaskCompleted::taskId)
                                            .distinct()
                                            .count()
                                    >= count);
        }

        void assertOneContactEachAndNo429() {
            Map<String, Integer> contactsPerClient = new HashMap<>();
            for (JsonNode contact : SIMULATOR.contacts()) {
                contactsPerClient.merge(contact.path("externalId").asString(""), 1, Integer::sum);
            }
            assertThat(clients)
                    .allSatisfy(client -> assertThat(contactsPerClient.get(client.toString()))
                            .as("contacts of client %s", client)
                            .isEqualTo(1));
            JsonNode stats = Clients.stats();
            assertThat(stats.get("created").asInt()).isEqualTo(clients.size());
            assertThat(stats.path("by_status").path("429").asInt(0))
                    .as("429s among %d requests", stats.get("requests").asInt())
                    .isZero();
            assertThat(stats.get("max_requests_in_one_second").asInt()).isLessThanOrEqualTo(10);
        }
    }
}
