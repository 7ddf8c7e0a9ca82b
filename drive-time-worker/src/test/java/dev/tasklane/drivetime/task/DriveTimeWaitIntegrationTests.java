package dev.tasklane.drivetime.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tasklane.drivetime.Business;
import dev.tasklane.drivetime.DistanceMatrixSimulatorHolder;
import dev.tasklane.drivetime.DriveTimeWorkerTest;
import dev.tasklane.drivetime.Simulator;
import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskError;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskWaiting;
import dev.tasklane.testsupport.TestTopics;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.test.context.TestPropertySource;

import static dev.tasklane.drivetime.DistanceMatrixSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nobody waits in silence: while Google Maps is down (the circuit open), tasks are announced as waiting, told as failed
 * once their wait deadline has passed, and still computed, as the same attempt, when Google answers again.
 */
@DriveTimeWorkerTest
@TestPropertySource(
        properties = "tasklane.worker.wait-deadline=" + DriveTimeWaitIntegrationTests.DEADLINE_SECONDS + "s")
class DriveTimeWaitIntegrationTests {

    static final int DEADLINE_SECONDS = 4;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    CircuitBreakerRegistry breakers;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    private Business business;

    @BeforeEach
    void freshStart() {
        SIMULATOR.reset();
        breakers.getAllCircuitBreakers().forEach(breaker -> breaker.reset());
        business = new Business(jdbc, kafka);
        business.onlyWhatThisTestAdds();
        business.drivers(2, "Waiting St");
        // the deadline is seconds long: the worker's consumers must own their partitions before the clock starts
        ConcurrentMessageListenerContainer<?, ?> worker =
                (ConcurrentMessageListenerContainer<?, ?>) listeners.getListenerContainer("drive-time-worker");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> worker.getContainers().stream()
                        .allMatch(consumer -> consumer.getAssignedPartitions() != null
                                && !consumer.getAssignedPartitions().isEmpty()));
    }

    @Test
    void tasksHeldByAnOutageWaitThenFailPastTheDeadlineThenCompleteAsTheSameAttemptWhenGoogleAnswers() {
        Simulator.mode("{\"mode\": \"server_error\"}");
        List<TaskRequested> requests = new ArrayList<>();
        List<UUID> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID client = business.client("Waiting Client " + i, i + " Outage Rd, Springfield");
            clients.add(client);
            requests.add(business.request(EntityTypes.CLIENT, client, "Waiting Client " + i));
        }

        for (TaskRequested request : requests) {
            TaskWaiting waiting = TestTopics.awaitEvent(TaskTopics.STATUS, request.taskId(), TaskWaiting.class);
            assertThat(waiting.attempt()).isEqualTo(request.attempt());
            assertThat(waiting.waitingFor()).isEqualTo("google_maps");
            assertThat(waiting.reason())
                    .contains("Google Maps")
                    .containsAnyOf("by itself", "by themselves")
                    .doesNotContain("Exception")
                    .doesNotContain(DistanceMatrixSimulatorHolder.KEY);
        }

        for (TaskRequested request : requests) {
            TaskFailed failed = business.awaitFailed(request);
            assertThat(failed.error().code())
                    .as("held tasks fail only for the deadline")
                    .isEqualTo(TaskError.WAIT_DEADLINE);
            assertThat(failed.occurredAt())
                    .as("not before the deadline")
                    .isAfterOrEqualTo(request.occurredAt().plusSeconds(DEADLINE_SECONDS));
            assertThat(failed.error().source()).isEqualTo("google_maps");
            assertThat(failed.error().retryable()).isTrue();
            assertThat(failed.error().message())
                    .startsWith("Still waiting after ")
                    .contains("Google Maps")
                    .contains("If Google Maps stays down, check Google Maps' status page")
                    .doesNotContain("Exception")
                    .doesNotContain(DistanceMatrixSimulatorHolder.KEY);
        }
        assertThat(business.driveTimesOfClient(clients.get(0)))
                .as("nothing computed during the outage")
                .isZero();

        Simulator.mode("{\"mode\": \"ok\"}");

        for (int i = 0; i < requests.size(); i++) {
            TaskRequested request = requests.get(i);
            TaskCompleted completed = business.awaitCompleted(request);
            assertThat(completed.attempt()).as("the held attempt, not a retry").isEqualTo(request.attempt());
            assertThat(completed.result()).containsEntry("elements_ok", 2);
            assertThat(business.driveTimesOfClient(clients.get(i))).isEqualTo(2);
        }
        for (TaskRequested request : requests) {
            assertThat(TestTopics.events(TaskTopics.STATUS, request.taskId(), TaskWaiting.class))
                    .as("announced waiting once, however often the record was retried")
                    .hasSize(1);
            assertThat(TestTopics.events(TaskTopics.STATUS, request.taskId(), TaskFailed.class))
                    .as("told failed once")
                    .singleElement()
                    .satisfies(failed -> assertThat(failed.error().code()).isEqualTo(TaskError.WAIT_DEADLINE));
        }
        assertThat(Simulator.stats().get("by_status").get("HTTP_500").asInt())
                .as("the open circuit kept the calls off Google during the outage")
                .isLessThan(20);
    }
}
