package dev.tasklane.drivetime.task;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.drivetime.Business;
import dev.tasklane.drivetime.DriveTimeWorkerTest;
import dev.tasklane.drivetime.Simulator;
import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskStarted;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.testsupport.TestTopics;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

import static dev.tasklane.drivetime.DistanceMatrixSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;

@DriveTimeWorkerTest
class DriveTimeIntegrationTests {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    CircuitBreakerRegistry breakers;

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    private Business business;

    @BeforeEach
    void freshStart() {
        SIMULATOR.reset();
        breakers.getAllCircuitBreakers().forEach(breaker -> breaker.reset());
        business = new Business(jdbc, kafka);
        business.onlyWhatThisTestAdds();
    }

    @Test
    void sixtyDriversCostThreeRequestsAndGiveSixtyRows() {
        business.drivers(60, "Oak St");
        UUID client = business.client("Jane Doe", "1 Main St, Springfield");

        TaskRequested request = business.request(EntityTypes.CLIENT, client, "Jane Doe");
        TaskCompleted done = business.awaitCompleted(request);

        assertThat(done.result())
                .containsEntry("drivers", 60)
                .containsEntry("elements_ok", 60)
                .containsEntry("elements_failed", 0)
                .containsEntry("api_requests", 3);
        assertThat(business.driveTimesOfClient(client)).isEqualTo(60);
        assertThat(Simulator.stats().get("requests").asInt()).isEqualTo(3);
        assertThat(Simulator.stats().get("elements").asInt()).isEqualTo(60);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM client_drive_times WHERE client_id = ? AND status = 'OK' "
                                + "AND distance_meters > 0 AND duration_seconds > 0",
                        Long.class,
                        client))
                .isEqualTo(60);
        assertThat(TestTopics.events(TaskTopics.STATUS, request.taskId(), TaskStarted.class))
                .isNotEmpty();
    }

    @Test
    void runningTheSameTaskAgainOverwritesAndNeverDuplicates() {
        business.drivers(60, "Pine St");
        UUID client = business.client("Rerun Client", "2 Main St, Springfield");
        TaskRequested request = business.request(EntityTypes.CLIENT, client, "Rerun Client");
        business.awaitCompleted(request);
        Object firstComputed = jdbc.queryForObject(
                "SELECT max(computed_at) FROM client_drive_times WHERE client_id = ?", Object.class, client);

        business.send(request);

        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> TestTopics.events(TaskTopics.STATUS, request.taskId(), TaskCompleted.class)
                                .size()
                        >= 2);
        assertThat(business.driveTimesOfClient(client)).isEqualTo(60);
        assertThat(jdbc.queryForObject(
                        "SELECT min(computed_at) FROM client_drive_times WHERE client_id = ?", Object.class, client))
                .isNotEqualTo(firstComputed);
    }

    @Test
    void aDriverTaskCoversEveryActiveClientInTheFewestRequests() {
        for (int i = 0; i < 30; i++) {
            business.client("Client " + i, i + " Elm St, Springfield");
        }
        UUID inactive = business.client("Gone Client", "99 Elm St, Springfield");
        jdbc.update("UPDATE clients SET active = false WHERE id = ?", inactive);
        UUID driver = business.driver("Sam Driver", "9 Birch St, Springfield");

        TaskCompleted done = business.awaitCompleted(business.request(EntityTypes.DRIVER, driver, "Sam Driver"));

        assertThat(done.result())
                .containsEntry("clients", 30)
                .containsEntry("api_requests", 2)
                .containsEntry("elements_ok", 30);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM client_drive_times WHERE driver_id = ?", Long.class, driver))
                .isEqualTo(30);
        assertThat(business.driveTimesOfClient(inactive)).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void pairsWithoutARouteAreKeptWithTheirReasonAndTheTaskStillCompletes() {
        business.drivers(3, "Cedar St");
        UUID island = business.driver("Ida Island", "1 Lighthouse Rd [no route]");
        UUID lost = business.driver("Lou Lost", "Nowhere Lane [not found]");
        UUID client = business.client("Kim Client", "5 Main St, Springfield");

        TaskCompleted done = business.awaitCompleted(business.request(EntityTypes.CLIENT, client, "Kim Client"));

        assertThat(done.result()).containsEntry("elements_ok", 3).containsEntry("elements_failed", 2);
        List<Map<String, Object>> unreachable =
                (List<Map<String, Object>>) done.result().get("unreachable");
        assertThat(unreachable)
                .extracting(pair -> pair.get("driver"))
                .containsExactlyInAnyOrder("Ida Island", "Lou Lost");
        assertThat(unreachable)
                .extracting(pair -> pair.get("status"))
                .containsExactlyInAnyOrder("ZERO_RESULTS", "NOT_FOUND");
        assertThat(jdbc.queryForMap(
                        "SELECT status, status_reason, distance_meters FROM client_drive_times "
                                + "WHERE client_id = ? AND driver_id = ?",
                        client,
                        island))
                .containsEntry("status", "ZERO_RESULTS")
                .containsEntry("distance_meters", null);
        assertThat((String) jdbc.queryForObject(
                        "SELECT status_reason FROM client_drive_times WHERE driver_id = ?", String.class, lost))
                .contains("could not find");
    }

    @Test
    void requestsElementsAndTaskDurationsAreMetrics() throws Exception {
        business.drivers(2, "Metric St");
        UUID client = business.client("Metric Client", "7 Main St, Springfield");
        business.awaitCompleted(business.request(EntityTypes.CLIENT, client, "Metric Client"));

        String metrics = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();

        assertThat(metrics)
                .containsPattern("tasklane_google_requests_total\\{api=\"distance_matrix\",.*status=\"OK\"")
                .containsPattern("tasklane_google_elements_total\\{.*status=\"OK\"")
                .containsPattern(
                        "tasklane_worker_tasks_seconds_count\\{.*outcome=\"completed\",task_type=\"calculate_drive_times\"")
                .contains("resilience4j_circuitbreaker_state");
    }

    @Test
    void aClientWithNoActiveDriversCompletesWithoutCallingGoogle() {
        UUID client = business.client("Lonely Client", "6 Main St, Springfield");

        TaskCompleted done = business.awaitCompleted(business.request(EntityTypes.CLIENT, client, "Lonely Client"));

        assertThat(done.result()).containsEntry("api_requests", 0).containsEntry("note", "no active drivers");
        assertThat(Simulator.stats().get("requests").asInt()).isZero();
    }
}
