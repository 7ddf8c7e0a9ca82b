package dev.tasklane.gateway.appointments;

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
import static org.assertj.core.api.Assertions.assertThat;

@GatewayIntegrationTest
class AppointmentIntegrationTests {

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @Test
    void anAppointmentIsSavedAndItsQuoSyncQueued() {
        GatewayRequests gateway = new GatewayRequests(port, UUID.randomUUID());
        String clientId = gateway.aClient("Wes", "7 Main St").get("client_id").asString();

        JsonNode answer = gateway.post(
                        "/save-appointment",
                        body(
                                "client_id",
                                clientId,
                                "scheduled_at",
                                "2026-12-01T09:30:00-05:00",
                                "pickup_address",
                                "7 Main St",
                                "dropoff_address",
                                "City Clinic"))
                .body();

        String appointmentId = answer.get("appointment_id").asString();
        assertThat(jdbc.queryForObject(
                        "SELECT pickup_address FROM appointments WHERE id = ?::uuid", String.class, appointmentId))
                .isEqualTo("7 Main St");
        TaskRequested request = TestTopics.awaitEvent(
                TaskTopics.requested("sync_quo"),
                UUID.fromString(answer.get("task_ids").get("sync_quo").asString()),
                TaskRequested.class);
        assertThat(request.entityType()).isEqualTo("appointment");
        assertThat(request.entityId().toString()).isEqualTo(appointmentId);
        assertThat(request.entityName()).isEqualTo("Wes, 1 Dec 2026 09:30");
        assertThat(request.payload())
                .containsEntry("client_id", clientId)
                .containsEntry("appointment_id", appointmentId);
        assertThat(request.requestedByName())
                .as("the test token's user_metadata.name")
                .isEqualTo("John Doe");
    }

    @Test
    void savingWithTheIdChangesThatAppointment() {
        GatewayRequests gateway = new GatewayRequests(port, UUID.randomUUID());
        String clientId = gateway.aClient("Xan", "8 Main St").get("client_id").asString();
        String appointmentId = gateway.post(
                        "/save-appointment", body("client_id", clientId, "scheduled_at", "2026-12-02T10:00:00Z"))
                .body()
                .get("appointment_id")
                .asString();

        JsonNode answer = gateway.post(
                        "/save-appointment",
                        body(
                                "appointment_id",
                                appointmentId,
                                "client_id",
                                clientId,
                                "scheduled_at",
                                "2026-12-02T11:00:00Z",
                                "status",
                                "cancelled"))
                .body();

        assertThat(answer.get("appointment_id").asString()).isEqualTo(appointmentId);
        assertThat(jdbc.queryForObject(
                        "SELECT status FROM appointments WHERE id = ?::uuid", String.class, appointmentId))
                .isEqualTo("cancelled");
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM appointments WHERE client_id = ?::uuid", Long.class, clientId))
                .isEqualTo(1);
    }

    @Test
    void aBadAppointmentNamesItsFields() {
        GatewayRequests gateway = new GatewayRequests(port, UUID.randomUUID());

        HttpJson.Response unknownClient = gateway.post(
                "/save-appointment", body("client_id", UUID.randomUUID(), "scheduled_at", "2026-12-02T10:00:00Z"));
        HttpJson.Response badFields =
                gateway.post("/save-appointment", body("scheduled_at", "tomorrow morning", "status", "maybe"));

        assertThat(unknownClient.status()).isEqualTo(400);
        assertThat(unknownClient.body().get("fields").get("client_id").asString())
                .contains("not a known client");
        assertThat(badFields.body().get("fields").propertyNames())
                .containsExactlyInAnyOrder("client_id", "scheduled_at", "status");
        assertThat(badFields.body().get("fields").get("scheduled_at").asString())
                .contains("2026-12-01T09:30:00-05:00");
    }

    @Test
    void aTimeBeyondTheYear9999IsA400ThatNamesScheduledAt() {
        GatewayRequests gateway = new GatewayRequests(port, UUID.randomUUID());

        HttpJson.Response response = gateway.post(
                "/save-appointment", body("client_id", UUID.randomUUID(), "scheduled_at", "+300000-01-01T00:00:00Z"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("fields").get("scheduled_at").asString())
                .isEqualTo("must be a date and time between the years 0001 and 9999");
    }

    @Test
    void aHugeBadValueIsAnsweredInAFewHundredCharacters() {
        GatewayRequests gateway = new GatewayRequests(port, UUID.randomUUID());
        String huge = "x".repeat(5_000_000);

        HttpJson.Response response =
                gateway.post("/save-appointment", body("client_id", huge, "scheduled_at", huge, "status", huge));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("fields").propertyNames())
                .containsExactlyInAnyOrder("client_id", "scheduled_at", "status");
        assertThat(response.body().toString()).hasSizeLessThan(1_500);
    }

    private int revision(String appointmentId) {
        return jdbc.queryForObject(
                "SELECT revision FROM appointments WHERE id = ?::uuid", Integer.class, appointmentId);
    }

    private static TaskRequested queuedText(JsonNode answer) {
        return TestTopics.awaitEvent(
                TaskTopics.requested("send_appointment_text"),
                UUID.fromString(
                        answer.get("task_ids").get("send_appointment_text").asString()),
                TaskRequested.class);
    }

    @Test
    void aNewAppointmentQueuesItsClientsTextOfRevisionOne() {
        GatewayRequests gateway = new GatewayRequests(port, UUID.randomUUID());
        String clientId = gateway.aClient("Tex", "9 Main St").get("client_id").asString();

        JsonNode answer = gateway.post(
                        "/save-appointment", body("client_id", clientId, "scheduled_at", "2026-12-03T10:00:00Z"))
                .body();

        String appointmentId = answer.get("appointment_id").asString();
        TaskRequested text = queuedText(answer);
        assertThat(text.entityType()).isEqualTo("appointment");
        assertThat(text.entityId().toString()).isEqualTo(appointmentId);
        assertThat(text.payload())
                .containsEntry("appointment_id", appointmentId)
                .containsEntry("revision", 1);
        assertThat(answer.get("task_ids").has("sync_quo"))
                .as("the contact sync stays")
                .isTrue();
        assertThat(revision(appointmentId)).isEqualTo(1);
    }

    @Test
    void savingWithNothingChangedOrOnlyNotesQueuesNoText() {
        GatewayRequests gateway = new GatewayRequests(port, UUID.randomUUID());
        String clientId = gateway.aClient("Nat", "10 Main St").get("client_id").asString();
        String appointmentId = gateway.post(
                        "/save-appointment",
                        body("client_id", clientId, "scheduled_at", "2026-12-04T10:00:00Z", "pickup_address", "A"))
                .body()
                .get("appointment_id")
                .asString();

        JsonNode same = gateway.post(
                        "/save-appointment",
                        body(
                                "appointment_id",
                                appointmentId,
                                "client_id",
                                clientId,
                                "scheduled_at",
                                "2026-12-04T04:00:00-06:00",
                                "pickup_address",
                                "A"))
                .body();
        JsonNode notes = gateway.post(
                        "/save-appointment",
                        body(
                                "appointment_id",
                                appointmentId,
                                "client_id",
                                clientId,
                                "scheduled_at",
                                "2026-12-04T10:00:00Z",
                                "pickup_address",
                                "A",
                                "notes",
                                "wheelchair"))
                .body();

        assertThat(same.get("task_ids").has("send_appointment_text")).isFalse();
        assertThat(notes.get("task_ids").has("send_appointment_text")).isFalse();
        assertThat(revision(appointmentId)).isEqualTo(1);
    }

    @Test
    void aMoveACancellationAndACompletionEachBumpTheRevisionAndOnlyTheFirstTwoText() {
        GatewayRequests gateway = new GatewayRequests(port, UUID.randomUUID());
        String clientId = gateway.aClient("Mo", "11 Main St").get("client_id").asString();
        String appointmentId = gateway.post(
                        "/save-appointment", body("client_id", clientId, "scheduled_at", "2026-12-05T10:00:00Z"))
                .body()
                .get("appointment_id")
                .asString();

        JsonNode moved = gateway.post(
                        "/save-appointment",
                        body(
                                "appointment_id",
                                appointmentId,
                                "client_id",
                                clientId,
                                "scheduled_at",
                                "2026-12-05T10:00:00Z",
                                "dropoff_address",
                                "City Clinic"))
                .body();
        JsonNode cancelled = gateway.post(
                        "/save-appointment",
                        body(
                                "appointment_id",
                                appointmentId,
                                "client_id",
                                clientId,
                                "scheduled_at",
                                "2026-12-05T10:00:00Z",
                                "dropoff_address",
                                "City Clinic",
                                "status",
                                "cancelled"))
                .body();
        JsonNode completed = gateway.post(
                        "/save-appointment",
                        body(
                                "appointment_id",
                                appointmentId,
                                "client_id",
                                clientId,
                                "scheduled_at",
                                "2026-12-05T10:00:00Z",
                                "dropoff_address",
                                "City Clinic",
                                "status",
                                "completed"))
                .body();

        assertThat(queuedText(moved).payload()).containsEntry("revision", 2);
        assertThat(queuedText(cancelled).payload()).containsEntry("revision", 3);
        assertThat(completed.get("task_ids").has("send_appointment_text")).isFalse();
        assertThat(revision(appointmentId)).isEqualTo(4);
    }
}
