package dev.tasklane.gateway.appointments;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

/**
 * Saves an appointment and queues the update of its client's Quo contact with it ({@code sync_quo}, entity
 * appointment); when the appointment is new or its time, place, client or status changed, bumps its revision and, for a
 * scheduled or newly cancelled appointment, queues the client's text about that revision
 * ({@code send_appointment_text}).
 */
@Component
class AppointmentService {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm");

    private final JdbcTemplate jdbc;
    private final GatewayProperties properties;

    AppointmentService(JdbcTemplate jdbc, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** An appointment as stored, read to decide what a save changes. */
    private record StoredAppointment(
            UUID clientId,
            OffsetDateTime scheduledAt,
            String pickupAddress,
            String dropoffAddress,
            String status,
            int revision) {}

    /**
     * Locks the appointment to change ({@code FOR UPDATE}) until the write commits, so it must run in that transaction:
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

        // every check of the other records in one read
        Map<String, Object> known = jdbc.queryForMap(
                "SELECT (SELECT name FROM clients WHERE id = ?::uuid) AS client_name, "
                        + "(?::uuid IS NULL OR EXISTS (SELECT FROM drivers WHERE id = ?::uuid AND active)) AS driver_active",
                clientId,
                driverId,
                driverId);
        String clientName = (String) known.get("client_name");
        if (clientName == null) {
            check.problem("client_id", "is not a known client: add the client first");
        }
        if (!(Boolean) known.get("driver_active")) {
            check.problem("driver_id", "is not an active driver");
        }
        check.throwIfInvalid();
        // an appointment to change is locked until the write commits: it cannot be deleted between the check and the
        // write (which would answer "saved" and queue a task for nothing), and two saves of it bump its revision in
        // turn
        List<StoredAppointment> stored = appointmentId == null
                ? List.of()
                : jdbc.query(
                        "SELECT client_id, scheduled_at, pickup_address, dropoff_address, status, revision "
                                + "FROM appointments WHERE id = ? FOR UPDATE",
                        (row, n) -> new StoredAppointment(
                                row.getObject("client_id", UUID.class),
                                row.getObject("scheduled_at", OffsetDateTime.class),
                                row.getString("pickup_address"),
                                row.getString("dropoff_address"),
                                row.getString("status"),
                                row.getInt("revision")),
                        appointmentId);
        if (appointmentId != null && stored.isEmpty()) {
            throw ApiException.notFound(
                    "There is no appointment " + appointmentId + ". Leave appointment_id out to create a new one.");
        }
        StoredAppointment before = stored.isEmpty() ? null : stored.get(0);
        boolean changed = before == null
                || !clientId.equals(before.clientId())
                || !scheduledAt.toInstant().equals(before.scheduledAt().toInstant())
                || !Objects.equals(pickup, before.pickupAddress())
                || !Objects.equals(dropoff, before.dropoffAddress())
                || !status.equals(before.status());
        int revision = before == null ? 1 : before.revision() + (changed ? 1 : 0);
        // the client hears of a new or changed scheduled appointment, and of its cancellation; not of a completion
        boolean text = changed
                && (status.equals("scheduled")
                        || (status.equals("cancelled") && before != null && !status.equals(before.status())));

        UUID id = appointmentId == null ? UUID.randomUUID() : appointmentId;
        Write write = new Write();
        if (appointmentId == null) {
            write.part(
                    "appointment",
                    "INSERT INTO appointments (id, client_id, driver_id, scheduled_at, pickup_address, "
                            + "dropoff_address, status, notes, created_by, revision) SELECT ?::uuid, ?::uuid, ?::uuid, "
                            + "?::timestamptz, ?::text, ?::text, ?::text, ?::text, ?::uuid, 1 FROM go",
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
                            + "notes = ?::text, revision = ?::integer WHERE id = ?::uuid AND EXISTS (SELECT FROM go)",
                    clientId,
                    driverId,
                    scheduledAt,
                    pickup,
                    dropoff,
                    status,
                    notes,
                    revision,
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

        Map<String, UUID> taskIds = new LinkedHashMap<>();
        taskIds.put(TaskTypes.SYNC_QUO, taskId);
        if (text) {
            Map<String, Object> textPayload = new LinkedHashMap<>();
            textPayload.put("appointment_id", id.toString());
            textPayload.put("revision", revision);
            taskIds.put(
                    TaskTypes.SEND_APPOINTMENT_TEXT,
                    write.queue(
                            TaskRef.newTask(
                                    TaskTypes.SEND_APPOINTMENT_TEXT,
                                    EntityTypes.APPOINTMENT,
                                    id,
                                    entityName,
                                    caller.userId()),
                            textPayload,
                            caller.name()));
        }

        return write.answer(new AppointmentAnswer(
                true,
                id,
                taskIds,
                text
                        ? "Appointment saved. Quo sync and the client's text processing in background."
                        : "Appointment saved. Quo sync processing in background."));
    }
}
