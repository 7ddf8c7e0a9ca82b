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
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.testsupport.TestTopics;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import static dev.tasklane.drivetime.DistanceMatrixSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every way Google can fail, and what the person who sees the failure is told. */
@DriveTimeWorkerTest
@ExtendWith(OutputCaptureExtension.class)
class DriveTimeFailureIntegrationTests {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    CircuitBreakerRegistry breakers;

    private Business business;

    @BeforeEach
    void freshStart() {
        SIMULATOR.reset();
        breakers.getAllCircuitBreakers().forEach(breaker -> breaker.reset());
        business = new Business(jdbc, kafka);
        business.onlyWhatThisTestAdds();
        business.drivers(2, "Failure St");
    }

    /** Lets the retries run out before the circuit breaker opens, as when other requests still succeed. */
    private void breakerOutOfTheWay() {
        breakers.circuitBreaker("google-distance-matrix").transitionToDisabledState();
    }

    private TaskFailed failureFor(String clientName) {
        UUID client = business.client(clientName, "10 Main St, Springfield");
        return business.awaitFailed(business.request(EntityTypes.CLIENT, client, clientName));
    }

    @Test
    void aDeniedKeyFailsAtOnceAndSaysToCheckTheApiIsEnabled(CapturedOutput output) {
        Simulator.mode("{\"mode\": \"request_denied\"}");

        TaskFailed failed = failureFor("Denise Denied");

        assertThat(failed.error().code()).isEqualTo("REQUEST_DENIED");
        assertThat(failed.error().retryable()).isFalse();
        assertThat(failed.error().source()).isEqualTo("google_maps");
        assertThat(failed.error().message())
                .contains("Google Maps Distance Matrix API refused the request")
                .contains("This API project is not authorized to use this API.")
                .contains("Denise Denied")
                .contains("Check that the Distance Matrix API is enabled for this key");
        assertThat(Simulator.stats().get("requests").asInt())
                .as("no retry for an error retrying cannot fix")
                .isEqualTo(1);
        assertThat(output.getAll() + failed).doesNotContain(DistanceMatrixSimulatorHolder.KEY);
    }

    @Test
    void anInvalidRequestSaysToFixTheAddress() throws Exception {
        Simulator.replay(new String(getClass()
                .getResourceAsStream(
                        "/fixtures/google-distance-matrix/openapi/responses-json/maps_http_distancematrix_encoded_error_response.json")
                .readAllBytes()));

        TaskFailed failed = failureFor("Ivy Invalid");

        assertThat(failed.error().code()).isEqualTo("INVALID_REQUEST");
        assertThat(failed.error().message())
                .contains("INVALID_REQUEST: Invalid request. Invalid 'destinations' parameter")
                .contains("Ivy Invalid")
                .contains("Fix the address");
    }

    @Test
    void aRateLimitThatOutlastsTheRetriesFailsRetryablyAndSaysWhatToDo(CapturedOutput output) {
        breakerOutOfTheWay();
        Simulator.mode("{\"mode\": \"over_query_limit\", \"count\": 6}");

        TaskFailed failed = failureFor("Olga Overquota");

        assertThat(failed.error().code()).isEqualTo("OVER_QUERY_LIMIT");
        assertThat(failed.error().retryable()).isTrue();
        assertThat(failed.error().message())
                .contains("returned OVER_QUERY_LIMIT (You have exceeded your rate-limit")
                .contains("Olga Overquota")
                .contains("retried automatically 6 times")
                .contains("raise the key's quota");
        assertThat(Simulator.stats().get("by_status").get("OVER_QUERY_LIMIT").asInt())
                .isEqualTo(6);
        assertThat(output.getAll()).doesNotContain(DistanceMatrixSimulatorHolder.KEY);
    }

    @Test
    void aServerErrorThatOutlastsTheRetriesNamesTheHttpStatus() {
        breakerOutOfTheWay();
        Simulator.mode("{\"mode\": \"server_error\", \"count\": 6}");

        TaskFailed failed = failureFor("Sid Servererror");

        assertThat(failed.error().code()).isEqualTo("HTTP_500");
        assertThat(failed.error().message())
                .contains("Server Error: 500")
                .contains("Sid Servererror")
                .contains("retried automatically");
    }

    @Test
    void aTimeoutThatOutlastsTheRetriesSaysSo() {
        breakerOutOfTheWay();
        Simulator.mode("{\"mode\": \"slow\", \"count\": 6, \"slow_ms\": 2500}");

        TaskFailed failed = failureFor("Tom Timeout");

        assertThat(failed.error().code()).isEqualTo("TIMEOUT");
        assertThat(failed.error().message())
                .contains("did not answer within 2 s")
                .contains("Tom Timeout");
    }

    @Test
    void aClientThatNoLongerExistsFailsAtOnceWithoutCallingGoogle() {
        TaskRequested request = business.request(EntityTypes.CLIENT, UUID.randomUUID(), "Ghost Client");

        TaskFailed failed = business.awaitFailed(request);

        assertThat(failed.error().code()).isEqualTo("CLIENT_NOT_FOUND");
        assertThat(failed.error().message()).contains("Ghost Client").contains("no longer exists");
        assertThat(Simulator.stats().get("requests").asInt()).isZero();
    }

    @Test
    void whileTheCircuitIsOpenTasksWaitAndResumeWhenGoogleRecoversNoneFailed() {
        Simulator.mode("{\"mode\": \"server_error\", \"count\": 5}");
        List<TaskRequested> requests = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID client = business.client("Patient Client " + i, i + " Patience Ave, Springfield");
            requests.add(business.request(EntityTypes.CLIENT, client, "Patient Client " + i));
        }

        for (TaskRequested request : requests) {
            business.awaitCompleted(request);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> true);
        for (TaskRequested request : requests) {
            assertThat(TestTopics.events(TaskTopics.STATUS, request.taskId(), TaskFailed.class))
                    .as("task " + request.entityName())
                    .isEmpty();
        }
        assertThat(Simulator.stats().get("by_status").get("HTTP_500").asInt()).isEqualTo(5);
    }
}
