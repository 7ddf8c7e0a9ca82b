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
        Map<String, Object> answer =
                answer(id, List.of(), Map.of(TaskTypes.CALCULATE_DRIVE_TIMES, driveTimes(write, id, name, caller)));
        answer.put("message", "Driver saved. Drive times to every active client processing in background.");
        return write.answer(answer);
    }

    /** Reads the driver with {@code FOR UPDATE}: call it in the transaction the write commits. */
    Write update(Caller caller, DriverRequest request) {
        Validation check = new Validation(properties.defaultPhoneRegion());
        UUID id = check.id("driver_id", request.driverId());
        String name = request.name() == null ? null : check.required("name", request.name());
        String phone = request.phone() == null ? null : check.phone("phone", request.phone());
        String homeAddress =
                request.homeAddress() == null ? null : check.required("home_address", request.homeAddress());
        check.throwIfInvalid();

        List<Map<String, Object>> found =
                jdbc.queryForList("SELECT name, phone, home_address, active FROM drivers WHERE id = ? FOR UPDATE", id);
        if (found.isEmpty()) {
            throw ApiException.notFound("There is no driver " + id + ". Check the driver_id, or add the driver first.");
        }
        Map<String, Object> current = found.get(0);
        List<String> changed = new ArrayList<>();
        String newName = request.name() == null ? (String) current.get("name") : name;
        String newPhone = request.phone() == null ? (String) current.get("phone") : phone;
        String newAddress = request.homeAddress() == null ? (String) current.get("home_address") : homeAddress;
        boolean active = request.active() == null ? (Boolean) current.get("active") : request.active();
        note(changed, "name", current.get("name"), newName);
        note(changed, "phone", current.get("phone"), newPhone);
        note(changed, "home_address", current.get("home_address"), newAddress);
        note(changed, "active", current.get("active"), active);

        Write write = new Write();
        Map<String, Object> taskIds = new LinkedHashMap<>();
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
        Map<String, Object> answer = answer(id, changed, taskIds);
        answer.put("message", message);
        return write.answer(answer);
    }

    private static UUID driveTimes(Write write, UUID driverId, String name, Caller caller) {
        return write.queue(
                TaskRef.newTask(TaskTypes.CALCULATE_DRIVE_TIMES, EntityTypes.DRIVER, driverId, name, caller.userId()),
                Map.of("driver_id", driverId.toString()),
                caller.name());
    }

    private static Map<String, Object> answer(UUID id, List<String> changed, Map<String, Object> taskIds) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        answer.put("driver_id", id);
        answer.put("changed", changed);
        answer.put("task_ids", taskIds);
        return answer;
    }

    private static void note(List<String> changed, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(field);
        }
    }
}
