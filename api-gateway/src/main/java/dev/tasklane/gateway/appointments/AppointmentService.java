package dev.tasklane.gateway.appointments;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.auth.Caller;
import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.gateway.outbox.Outbox;
import dev.tasklane.gateway.system.GatewayProperties;
import dev.tasklane.gateway.system.Validation;
import dev.tasklane.http.ApiException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Saves an appointment and queues the update of its client's Quo contact with it ({@code sync_quo}, entity appointment). */
@Component
class AppointmentService {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm");

    private final JdbcTemplate jdbc;
    private final Outbox outbox;
    private final GatewayProperties properties;

    AppointmentService(JdbcTemplate jdbc, Outbox outbox, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.properties = properties;
    }

    Map<String, Object> save(Caller caller, AppointmentRequest request) {
        Validation check = new Validation(properties.defaultPhoneRegion());
        UUID appointmentId = check.optionalId("appointment_id", request.appointmentId());
        UUID clientId = check.id("client_id", request.clientId());
        UUID driverId = check.optionalId("driver_id", request.driverId());
        OffsetDateTime scheduledAt = check.time("scheduled_at", request.scheduledAt());
        String pickup = check.optional("pickup_address", request.pickupAddress());
        String dropoff = check.optional("dropoff_address", request.dropoffAddress());
        String status = check.oneOf("status", request.status(), "scheduled", "scheduled", "completed", "cancelled");
        String notes = check.optional("notes", request.notes());
        check.throwIfInvalid();

        List<String> clientNames = jdbc.queryForList("SELECT name FROM clients WHERE id = ?", String.class, clientId);
        if (clientNames.isEmpty()) {
            check.problem("client_id", "is not a known client: add the client first");
        }
        if (driverId != null && jdbc.queryForList("SELECT 1 FROM drivers WHERE id = ? AND active", driverId).isEmpty()) {
            check.problem("driver_id", "is not an active driver");
        }
        check.throwIfInvalid();

        UUID id;
        if (appointmentId == null) {
            id = jdbc.queryForObject("INSERT INTO appointments (client_id, driver_id, scheduled_at, pickup_address, "
                    + "dropoff_address, status, notes, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", UUID.class,
                    clientId, driverId, scheduledAt, pickup, dropoff, status, notes, caller.userId());
        }
        else {
            int updated = jdbc.update("UPDATE appointments SET client_id = ?, driver_id = ?, scheduled_at = ?, "
                    + "pickup_address = ?, dropoff_address = ?, status = ?, notes = ? WHERE id = ?",
                    clientId, driverId, scheduledAt, pickup, dropoff, status, notes, appointmentId);
            if (updated == 0) {
                throw ApiException.notFound("There is no appointment " + appointmentId
                        + ". Leave appointment_id out to create a new one.");
            }
            id = appointmentId;
        }
        String entityName = clientNames.get(0) + ", " + WHEN.format(scheduledAt);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("appointment_id", id.toString());
        payload.put("client_id", clientId.toString());
        UUID taskId = outbox.request(TaskRef.newTask(TaskTypes.SYNC_QUO, EntityTypes.APPOINTMENT, id, entityName,
                caller.userId()), payload);

        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        answer.put("appointment_id", id);
        answer.put("task_ids", Map.of(TaskTypes.SYNC_QUO, taskId));
        answer.put("message", "Appointment saved. Quo sync processing in background.");
        return answer;
    }
}
