package dev.tasklane.drivetime.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tasklane.drivetime.Business;
import dev.tasklane.drivetime.DistanceMatrixSimulatorHolder;
import dev.tasklane.drivetime.DriveTimeWorkerApplication;
import dev.tasklane.drivetime.DriveTimeWorkerTest;
import dev.tasklane.drivetime.Simulator;
import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.testsupport.AnotherInstance;
import dev.tasklane.testsupport.PoisonPills;
import dev.tasklane.testsupport.TestKafka;
import dev.tasklane.testsupport.TestTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import static dev.tasklane.drivetime.DistanceMatrixSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The key's quota under a burst and shared by instances each set to the whole quota of 10 a second (the simulator
 * enforces it: OVER_QUERY_LIMIT beyond), with two instances and with three while one joins and another leaves; an
 * instance given an id joining as static members; and records that are not drive-time requests. Two consumers each,
 * so three instances still each get some partitions.
 */
@DriveTimeWorkerTest
@TestPropertySource(
        properties = {
            "tasklane.drive-times.google.quota-per-second=10",
            "tasklane.worker.task-types[calculate_drive_times].consumers=2"
        })
class DriveTimeScalingIntegrationTests {

    private static final int QUOTA = 10;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    Environment environment;

    private Business business;

    @BeforeEach
    void freshStart() {
        SIMULATOR.reset();
        SIMULATOR.quotaPerSecond(QUOTA);
        business = new Business(jdbc, kafka);
        business.onlyWhatThisTestAdds();
    }

    @Test
    void aBurstOf100TasksNeverGoesOverTheKeysQuota() {
        business.driver("Only Driver", "1 Quota St, Springfield");
        List<TaskRequested> requests = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            UUID client = business.client("Burst Client " + i, i + " Burst Ave, Springfield");
            requests.add(business.request(EntityTypes.CLIENT, client, "Burst Client " + i));
        }

        await().atMost(Duration.ofSeconds(90))
                .until(() -> jdbc.queryForObject(
                                "SELECT count(*) FROM client_drive_times t JOIN clients c ON c.id = t.client_id WHERE c.name LIKE 'Burst Client %'",
                                Long.class)
                        == 100);

        assertThat(Simulator.stats().get("requests").asInt())
                .as("not one OVER_QUERY_LIMIT, so no retry")
                .isEqualTo(100);
        assertThat(Simulator.stats().get("max_requests_in_one_second").asInt()).isBetween(5, QUOTA);
        business.awaitCompleted(requests.get(99));
    }

    private ConfigurableApplicationContext anotherInstance() {
        return AnotherInstance.start(
                DriveTimeWorkerApplication.class,
                environment,
                "tasklane.drive-times.google.base-url=" + SIMULATOR.baseUrl(),
                "tasklane.drive-times.google.api-key=" + DistanceMatrixSimulatorHolder.KEY,
                "tasklane.drive-times.google.quota-per-second=" + QUOTA,
                "tasklane.worker.task-types[calculate_drive_times].consumers=2");
    }

    @Test
    void twoInstancesAtTheWholeQuotaEachShareTheWorkWithinIt() {
        business.driver("Shared Driver", "2 Scale St, Springfield");
        try (ConfigurableApplicationContext second = anotherInstance()) {
            Set<UUID> ids = requests("Shared Client", 40);

            Set<String> workers = workersOf(awaitCompleted(ids, ids.size()));

            assertWithinTheQuota();
            assertThat(workers).as("both instances did some of the work").hasSize(2);
            assertThat(jdbc.queryForObject(
                            "SELECT count(*) FROM client_drive_times t JOIN clients c ON c.id = t.client_id "
                                    + "WHERE c.name LIKE 'Shared Client %'",
                            Long.class))
                    .isEqualTo(40);
        }
    }

    /**
     * 30 drivers: each client costs two requests (25 origins, then 5). The second half of the tasks comes once the
     * third instance has joined (a batch takes up to 50 requests, so tasks published before would all be taken already).
     */
    @Test
    void threeInstancesStayWithinTheKeysQuotaWhileOneJoinsAndAnotherLeaves() {
        business.drivers(30, "Rebalance St");
        ConfigurableApplicationContext second = anotherInstance();
        try {
            Set<UUID> ids = requests("Rebalanced Client", 30);
            awaitCompleted(ids, 5);
            try (ConfigurableApplicationContext third = anotherInstance()) {
                ids.addAll(requests("Joined Client", 30));
                awaitCompleted(ids, 40);
                second.close();

                Set<String> workers = workersOf(awaitCompleted(ids, ids.size()));

                assertWithinTheQuota();
                assertThat(Simulator.stats().get("requests").asInt())
                        .as("two requests per client")
                        .isGreaterThanOrEqualTo(120);
                assertThat(workers)
                        .as("the first, the one that left and the one that joined all did some of the work")
                        .hasSize(3);
            }
        } finally {
            second.close();
        }
    }

    private Set<UUID> requests(String name, int clients) {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < clients; i++) {
            UUID client = business.client(name + " " + i, i + " " + name + " Ave, Springfield");
            ids.add(business.request(EntityTypes.CLIENT, client, name + " " + i).taskId());
        }
        return ids;
    }

    /** The completions of the tasks {@code ids}, once at least {@code count} of them have one. */
    private static List<TaskCompleted> awaitCompleted(Set<UUID> ids, int count) {
        return await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> TestTopics.events(TaskTopics.STATUS, TaskCompleted.class).stream()
                                .filter(done -> ids.contains(done.taskId()))
                                .toList(),
                        done -> done.stream()
                                        .map(TaskCompleted::taskId)
                                        .distinct()
                                        .count()
                                >= count);
    }

    private static Set<String> workersOf(List<TaskCompleted> completed) {
        return new HashSet<>(completed.stream().map(TaskCompleted::worker).toList());
    }

    private static void assertWithinTheQuota() {
        JsonNode stats = Simulator.stats();
        assertThat(stats.path("by_status").path("OVER_QUERY_LIMIT").asInt(0))
                .as("OVER_QUERY_LIMIT among %d requests", stats.get("requests").asInt())
                .isZero();
        assertThat(stats.get("max_requests_in_one_second").asInt()).isLessThanOrEqualTo(QUOTA);
    }

    @Test
    void anInstanceGivenAnIdJoinsAsOneStaticMemberPerListenerThread() throws Exception {
        List<String> ids = List.of("drive-time-b-0", "drive-time-b-1", "drive-time-b-2");
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            try (ConfigurableApplicationContext named = AnotherInstance.start(
                    DriveTimeWorkerApplication.class,
                    environment,
                    "tasklane.drive-times.google.base-url=" + SIMULATOR.baseUrl(),
                    "tasklane.drive-times.google.api-key=" + DistanceMatrixSimulatorHolder.KEY,
                    "tasklane.worker.task-types[calculate_drive_times].consumers=3",
                    "tasklane.kafka.instance-id=drive-time-b")) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("drive-time-worker"))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .get("drive-time-worker");

                // a restart under the same id takes these members' partitions back at once (WorkerCrashTests)
                assertThat(group.members().stream()
                                .map(member -> member.groupInstanceId().orElse("dynamic")))
                        .containsOnlyOnce(ids.toArray(String[]::new))
                        .as("the test's own instance, given no id")
                        .contains("dynamic");
            }
            // a static member that stops stays in the group until its session times out: let the next tests start clean
            admin.removeMembersFromConsumerGroup(
                            "drive-time-worker",
                            new RemoveMembersFromConsumerGroupOptions(
                                    ids.stream().map(MemberToRemove::new).toList()))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRecordThatIsNotADriveTimeRequestGoesToTheDeadLetterTopicAndTheNextOneRuns() throws Exception {
        PoisonPills pills = PoisonPills.publish(TaskTypes.CALCULATE_DRIVE_TIMES, kafka);
        business.driver("After Driver", "3 After St, Springfield");
        UUID client = business.client("After Client", "4 After St, Springfield");

        business.awaitCompleted(business.request(EntityTypes.CLIENT, client, "After Client"));

        assertThat(pills.awaitDeadLetterReasons())
                .anySatisfy(reason -> assertThat(reason).contains("failed to deserialize"))
                .anySatisfy(reason -> assertThat(reason)
                        .contains("A TaskStarted of task type calculate_drive_times "
                                + "reached the calculate_drive_times worker"));
    }
}
