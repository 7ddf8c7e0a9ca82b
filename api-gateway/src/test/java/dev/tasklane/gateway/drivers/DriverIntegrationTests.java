package dev.tasklane.gateway.drivers;

import java.util.UUID;

import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.gateway.GatewayIntegrationTest;
import dev.tasklane.gateway.GatewayRequests;
import dev.tasklane.testsupport.HttpJson;
import dev.tasklane.testsupport.TestTopics;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import static dev.tasklane.gateway.GatewayRequests.body;
import static dev.tasklane.gateway.GatewayRequests.queued;
import static org.assertj.core.api.Assertions.assertThat;

@GatewayIntegrationTest
class DriverIntegrationTests {

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    private GatewayRequests gateway() {
        return new GatewayRequests(port, UUID.randomUUID());
    }

    @Test
    void aNewDriverQueuesOneDriveTimesTaskForTheDriver() {
        JsonNode answer = gateway().aDriver("Sam Driver", "9 Elm St, Springfield");

        String driverId = answer.get("driver_id").asString();
        assertThat(queued(answer)).containsExactly("calculate_drive_times");
        TaskRequested request = TestTopics.awaitEvent(
                TaskTopics.requested("calculate_drive_times"),
                UUID.fromString(
                        answer.get("task_ids").get("calculate_drive_times").asString()),
                TaskRequested.class);
        assertThat(request.entityType()).isEqualTo("driver");
        assertThat(request.entityId().toString()).isEqualTo(driverId);
        assertThat(request.payload()).containsEntry("driver_id", driverId);
        assertThat(request.requestedByName())
                .as("the test token's user_metadata.name")
                .isEqualTo("John Doe");
    }

    @Test
    void aNewHomeAddressQueuesDriveTimesAndANewNameDoesNot() {
        GatewayRequests gateway = gateway();
        String driverId = gateway.aDriver("Tia", "1 Oak St").get("driver_id").asString();

        JsonNode moved = gateway.post("/update-driver", body("driver_id", driverId, "home_address", "5 Pine St"))
                .body();
        JsonNode renamed = gateway.post("/update-driver", body("driver_id", driverId, "name", "Tia B."))
                .body();

        assertThat(queued(moved)).containsExactly("calculate_drive_times");
        assertThat(queued(renamed)).isEmpty();
        assertThat(renamed.get("changed").get(0).asString()).isEqualTo("name");
    }

    @Test
    void deactivatingADriverQueuesNothingAndStopsTheUseOfTheirDriveTimes() {
        GatewayRequests gateway = gateway();
        String driverId = gateway.aDriver("Uma", "2 Birch St").get("driver_id").asString();
        String clientId = gateway.aClient("Vic", "3 Cedar St").get("client_id").asString();
        jdbc.update(
                "INSERT INTO client_drive_times (client_id, driver_id, distance_meters, duration_seconds, status) "
                        + "VALUES (?::uuid, ?::uuid, 1000, 120, 'OK')",
                clientId,
                driverId);

        JsonNode answer = gateway.post("/update-driver", body("driver_id", driverId, "active", false))
                .body();

        assertThat(queued(answer)).isEmpty();
        assertThat(answer.get("message").asString()).contains("no longer used");
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM client_drive_times WHERE driver_id = ?::uuid", Long.class, driverId))
                .isZero();
        assertThat(queued(gateway.post("/update-driver", body("driver_id", driverId, "active", true))
                        .body()))
                .as("back from inactive, the driver needs drive times again")
                .containsExactly("calculate_drive_times");
    }

    @Test
    void aDriverNeedsANameAndAHomeAddress() {
        HttpJson.Response response = gateway().post("/add-driver", body("phone", "not a phone"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("fields").propertyNames())
                .containsExactlyInAnyOrder("name", "home_address", "phone");
    }
}
