package dev.tasklane.gateway.drivers;

import java.util.ArrayList;
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
 * Saves drivers. A new driver, a changed home address or a driver back from inactive needs drive times from that
 * driver's home to every active client: one task, entity {@code driver}. Deactivating a driver queues nothing and
 * deletes their drive times, so nothing uses them any more.
 */
@Component
class DriverService {

    private final JdbcTemplate jdbc;
    private final GatewayProperties properties;

    DriverService(JdbcTemplate jdbc, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    Write add(Caller caller, DriverRequest request) {
        Validation check = new Validation(properties.defaultPhoneRegion());
        String name = check.required("name", request.name());
        String phone = check.phone("phone", request.phone());
        String homeAddress = check.required("home_address", request.homeAddress());
        check.throwIfInvalid();

        UUID id = UUID.randomUUID();
        Write write = new Write()
                .part(
                        "driver",
                        "INSERT INTO drivers (id, name, phone, home_address, created_by) "
                                + "SELECT ?::uuid, ?::text, ?::text, ?::text, ?::uuid FROM go",
                        id,
                        name,
                        phone,
                        homeAddress,
                        caller.userId());
        return write.answer(new DriverAnswer(
                true,
                id,
                List.of(),
                Map.of(TaskTypes.CALCULATE_DRIVE_TIMES, driveTimes(write, id, name, caller)),
                "Driver saved. Drive times to every active client processing in background."));
    }

    /** A driver as stored, read to decide what an update changes. */
    private record StoredDriver(String name, String phone, String homeAddress, boolean active) {}

    /**
     * Reads the driver with {@code FOR UPDATE}, so it must run in the transaction that commits the write (a lock taken
     * in autocommit would be gone before the write): without one it refuses to start.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Write update(Caller caller, DriverRequest request) {
        Validation check = new Validation(properties.defaultPhoneRegion());
        UUID id = check.id("driver_id", request.driverId());
        String name = request.name() == null ? null : check.required("name", request.name());
        String phone = request.phone() == null ? null : check.phone("phone", request.phone());
        String homeAddress =
                request.homeAddress() == null ? null : check.required("home_address", request.homeAddress());
        check.throwIfInvalid();

        List<StoredDriver> found = jdbc.query(
                "SELECT name, phone, home_address, active FROM drivers WHERE id = ? FOR UPDATE",
                (row, n) -> new StoredDriver(
                        row.getString("name"),
                        row.getString("phone"),
                        row.getString("home_address"),
                        row.getBoolean("active")),
                id);
        if (found.isEmpty()) {
            throw ApiException.notFound("There is no driver " + id + ". Check the driver_id, or add the driver first.");
        }
        StoredDriver current = found.get(0);
        List<String> changed = new ArrayList<>();
        String newName = request.name() == null ? current.name() : name;
        String newPhone = request.phone() == null ? current.phone() : phone;
        String newAddress = request.homeAddress() == null ? current.homeAddress() : homeAddress;
        boolean active = request.active() == null ? current.active() : request.active();
        note(changed, "name", current.name(), newName);
        note(changed, "phone", current.phone(), newPhone);
        note(changed, "home_address", current.homeAddress(), newAddress);
        note(changed, "active", current.active(), active);

        Write write = new Write();
        Map<String, UUID> taskIds = new LinkedHashMap<>();
        String message = "Nothing changed.";
        if (!changed.isEmpty()) {
            write.part(
                    "driver",
                    "UPDATE drivers SET name = ?::text, phone = ?::text, home_address = ?::text, "
                            + "active = ?::boolean WHERE id = ?::uuid AND EXISTS (SELECT FROM go)",
                    newName,
                    newPhone,
                    newAddress,
                    active,
                    id);
            message = "Driver updated.";
            if (!active) {
                write.part(
                        "unused_drive_times",
                        "DELETE FROM client_drive_times WHERE driver_id = ?::uuid " + "AND EXISTS (SELECT FROM go)",
                        id);
                message = changed.contains("active")
                        ? "Driver deactivated; their drive times are no longer used."
                        : "Driver updated.";
            } else if (changed.contains("home_address") || changed.contains("active")) {
                taskIds.put(TaskTypes.CALCULATE_DRIVE_TIMES, driveTimes(write, id, newName, caller));
                message = "Driver updated. Drive times to every active client processing in background.";
            }
        }
        return write.answer(new DriverAnswer(true, id, changed, taskIds, message));
    }

    private static UUID driveTimes(Write write, UUID driverId, String name, Caller caller) {
        return write.queue(
                TaskRef.newTask(TaskTypes.CALCULATE_DRIVE_TIMES, EntityTypes.DRIVER, driverId, name, caller.userId()),
                Map.of("driver_id", driverId.toString()),
                caller.name());
    }

    private static void note(List<String> changed, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(field);
        }
    }
}
