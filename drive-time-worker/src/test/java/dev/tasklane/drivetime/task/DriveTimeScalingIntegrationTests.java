package dev.tasklane.drivetime.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

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
import dev.tasklane.testsupport.TestTopics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.TestPropertySource;

import static dev.tasklane.drivetime.DistanceMatrixSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The rate limit under a burst, two instances sharing the work, and records that are not drive-time requests. */
@DriveTimeWorkerTest
@TestPropertySource(properties = {"tasklane.drive-times.google.quota-per-second=10", "tasklane.drive-times.consumers=3"})
class DriveTimeScalingIntegrationTests {

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

        await().atMost(Duration.ofSeconds(90)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM client_drive_times t JOIN clients c ON c.id = t.client_id WHERE c.name LIKE 'Burst Client %'",
                Long.class) == 100);

        assertThat(Simulator.stats().get("requests").asInt()).isEqualTo(100);
        assertThat(Simulator.stats().get("max_requests_in_one_second").asInt()).isBetween(5, 10);
        business.awaitCompleted(requests.get(99));
    }

    @Test
    void twoInstancesShareTheWorkAndEveryTaskCompletes() {
        business.driver("Shared Driver", "2 Scale St, Springfield");
        try (ConfigurableApplicationContext second = AnotherInstance.start(DriveTimeWorkerApplication.class, environment,
                "tasklane.drive-times.google.base-url=" + SIMULATOR.baseUrl(),
                "tasklane.drive-times.google.api-key=" + DistanceMatrixSimulatorHolder.KEY,
                "tasklane.drive-times.google.quota-per-second=10", "tasklane.drive-times.consumers=3")) {
            List<TaskRequested> requests = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                UUID client = business.client("Shared Client " + i, i + " Shared Ave, Springfield");
                requests.add(business.request(EntityTypes.CLIENT, client, "Shared Client " + i));
            }

            Set<UUID> ids = new HashSet<>(requests.stream().map(TaskRequested::taskId).toList());
            List<TaskCompleted> completed = await().atMost(Duration.ofSeconds(60)).until(() -> TestTopics.events(
                    TaskTopics.STATUS, TaskCompleted.class).stream().filter(done -> ids.contains(done.taskId())).toList(),
                    done -> done.stream().map(TaskCompleted::taskId).distinct().count() == ids.size());
            Set<String> workers = new HashSet<>(completed.stream().map(TaskCompleted::worker).toList());

            assertThat(workers).as("both instances did some of the work").hasSize(2);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM client_drive_times t JOIN clients c ON c.id = t.client_id "
                    + "WHERE c.name LIKE 'Shared Client %'", Long.class)).isEqualTo(40);
        }
    }

    @Test
    void aRecordThatIsNotADriveTimeRequestGoesToTheDeadLetterTopicAndTheNextOneRuns() throws Exception {
        PoisonPills pills = PoisonPills.publish(TaskTypes.CALCULATE_DRIVE_TIMES, kafka);
        business.driver("After Driver", "3 After St, Springfield");
        UUID client = business.client("After Client", "4 After St, Springfield");

        business.awaitCompleted(business.request(EntityTypes.CLIENT, client, "After Client"));

        assertThat(pills.awaitDeadLetterReasons()).anySatisfy(reason -> assertThat(reason).contains("failed to deserialize"))
                .anySatisfy(reason -> assertThat(reason).contains("A TaskStarted of task type calculate_drive_times "
                        + "reached the calculate_drive_times worker"));
    }
}
