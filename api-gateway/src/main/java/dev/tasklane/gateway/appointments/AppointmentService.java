package dev.tasklane.gateway.appointments;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.auth.Caller;
import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.gateway.outbox.Write;
import dev.tasklane.gateway.system.GatewayProperties;
import dev.tasklane.gateway.system.Validation;
import dev.tasklane.http.ApiException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Saves an appointment and queues the update of its client's Quo contact with it ({@code sync_quo}, entity appointment). */
@Component
class AppointmentService {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm");

    private final JdbcTemplate jdbc;
    private final GatewayProperties properties;

    AppointmentService(JdbcTemplate jdbc, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * Locks the appointment to change ({@code FOR SHARE}) until the write commits, so it must run in that transaction:
     * without one it refuses to start.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Write save(Caller caller, AppointmentRequest request) {
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

        // every check in one read; an appointment to change is locked (FOR SHARE) until the write commits, so it cannot
        // be deleted between the check and the write (which would answer "saved" and queue a task for nothing)
        Map<String, Object> known = jdbc.queryForMap(
                "SELECT (SELECT name FROM clients WHERE id = ?::uuid) AS client_name, "
                        + "(?::uuid IS NULL OR EXISTS (SELECT FROM drivers WHERE id = ?::uuid AND active)) AS driver_active, "
                        + "(?::uuid IS NULL OR EXISTS (SELECT FROM appointments WHERE id = ?::uuid FOR SHARE)) AS appointment_known",
                clientId,
                driverId,
                driverId,
                appointmentId,
                appointmentId);
        String clientName = (String) known.get("client_name");
        if (clientName == null) {
            check.problem("client_id", "is not a known client: add the client first");
        }
        if (!(Boolean) known.get("driver_active")) {
            check.problem("driver_id", "is not an active driver");
        }
        check.throwIfInvalid();
        if (!(Boolean) known.get("appointment_known")) {
            throw ApiException.notFound(
                    "There is no appointment " + appointmentId + ". Leave appointment_id out to create a new one.");
        }

        UUID id = appointmentId == null ? UUID.randomUUID() : appointmentId;
        Write write = new Write();
        if (appointmentId == null) {
            write.part(
                    "appointment",
                    "INSERT INTO appointments (id, client_id, driver_id, scheduled_at, pickup_address, "
                            + "dropoff_address, status, notes, created_by) SELECT ?::uuid, ?::uuid, ?::uuid, ?::timestamptz, "
                            + "?::text, ?::text, ?::text, ?::text, ?::uuid FROM go",
                    id,
                    clientId,
                    driverId,
                    scheduledAt,
                    pickup,
                    dropoff,
                    status,
                    notes,
                    caller.userId());
        } else {
            write.part(
                    "appointment",
                    "UPDATE appointments SET client_id = ?::uuid, driver_id = ?::uuid, "
                            + "scheduled_at = ?::timestamptz, pickup_address = ?::text, dropoff_address = ?::text, status = ?::text, "
                            + "notes = ?::text WHERE id = ?::uuid AND EXISTS (SELECT FROM go)",
                    clientId,
                    driverId,
                    scheduledAt,
                    pickup,
                    dropoff,
                    status,
                    notes,
                    appointmentId);
        }
        String entityName = clientName + ", " + WHEN.format(scheduledAt);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("appointment_id", id.toString());
        payload.put("client_id", clientId.toString());
        UUID taskId = write.queue(
                TaskRef.newTask(TaskTypes.SYNC_QUO, EntityTypes.APPOINTMENT, id, entityName, caller.userId()),
                payload,
                caller.name());

        return write.answer(new AppointmentAnswer(
                true, id, Map.of(TaskTypes.SYNC_QUO, taskId), "Appointment saved. Quo sync processing in background."));
    }
}
