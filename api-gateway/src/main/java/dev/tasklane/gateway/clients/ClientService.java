package dev.tasklane.gateway.clients;

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
 * Prepares the write of a client and the tasks a change needs: a new client needs its drive times and its Quo contact;
 * a new address needs drive times; a new name, phone or email needs the Quo contact updated.
 */
@Component
class ClientService {

    private final JdbcTemplate jdbc;
    private final GatewayProperties properties;

    ClientService(JdbcTemplate jdbc, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    Write add(Caller caller, ClientRequest request) {
        Validation check = new Validation(properties.defaultPhoneRegion());
        String name = check.required("name", request.name());
        String phone = check.phone("phone", request.phone());
        String email = check.email("email", request.email());
        String address = check.required("address", request.address());
        String notes = check.optional("notes", request.notes());
        check.throwIfInvalid();

        UUID id = UUID.randomUUID();
        Write write = new Write()
                .part(
                        "client",
                        "INSERT INTO clients (id, name, phone, email, address, notes, created_by) "
                                + "SELECT ?::uuid, ?::text, ?::text, ?::text, ?::text, ?::text, ?::uuid FROM go",
                        id,
                        name,
                        phone,
                        email,
                        address,
                        notes,
                        caller.userId());
        Map<String, UUID> taskIds = new LinkedHashMap<>();
        taskIds.put(TaskTypes.CALCULATE_DRIVE_TIMES, queue(write, TaskTypes.CALCULATE_DRIVE_TIMES, id, name, caller));
        taskIds.put(TaskTypes.SYNC_QUO, queue(write, TaskTypes.SYNC_QUO, id, name, caller));
        return write.answer(new ClientAnswer(
                true, id, null, taskIds, "Client saved. Drive times and Quo sync processing in background."));
    }

    /** A client as stored, read to decide what an update changes. */
    private record StoredClient(
            String name, String phone, String email, String address, String notes, boolean active) {}

    /**
     * Reads the client with {@code FOR UPDATE}, so it must run in the transaction that commits the write (a lock taken
     * in autocommit would be gone before the write): without one it refuses to start.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Write update(Caller caller, ClientRequest request) {
        Validation check = new Validation(properties.defaultPhoneRegion());
        UUID id = check.id("client_id", request.clientId());
        String name = request.name() == null ? null : check.required("name", request.name());
        String phone = request.phone() == null ? null : check.phone("phone", request.phone());
        String email = request.email() == null ? null : check.email("email", request.email());
        String address = request.address() == null ? null : check.required("address", request.address());
        String notes = request.notes() == null ? null : check.optional("notes", request.notes());
        check.throwIfInvalid();

        List<StoredClient> found = jdbc.query(
                "SELECT name, phone, email, address, notes, active FROM clients WHERE id = ? FOR UPDATE",
                (row, n) -> new StoredClient(
                        row.getString("name"),
                        row.getString("phone"),
                        row.getString("email"),
                        row.getString("address"),
                        row.getString("notes"),
                        row.getBoolean("active")),
                id);
        if (found.isEmpty()) {
            throw ApiException.notFound("There is no client " + id + ". Check the client_id, or add the client first.");
        }
        StoredClient current = found.get(0);
        String newName = request.name() == null ? current.name() : name;
        String newPhone = request.phone() == null ? current.phone() : phone;
        String newEmail = request.email() == null ? current.email() : email;
        String newAddress = request.address() == null ? current.address() : address;
        String newNotes = request.notes() == null ? current.notes() : notes;
        boolean active = request.active() == null ? current.active() : request.active();
        List<String> changed = new ArrayList<>();
        note(changed, "name", current.name(), newName);
        note(changed, "phone", current.phone(), newPhone);
        note(changed, "email", current.email(), newEmail);
        note(changed, "address", current.address(), newAddress);
        note(changed, "notes", current.notes(), newNotes);
        note(changed, "active", current.active(), active);

        Write write = new Write();
        Map<String, UUID> taskIds = new LinkedHashMap<>();
        if (!changed.isEmpty()) {
            write.part(
                    "client",
                    "UPDATE clients SET name = ?::text, phone = ?::text, email = ?::text, address = ?::text, "
                            + "notes = ?::text, active = ?::boolean WHERE id = ?::uuid AND EXISTS (SELECT FROM go)",
                    newName,
                    newPhone,
                    newEmail,
                    newAddress,
                    newNotes,
                    active,
                    id);
            boolean reactivated = changed.contains("active") && active;
            if (active && (changed.contains("address") || reactivated)) {
                taskIds.put(
                        TaskTypes.CALCULATE_DRIVE_TIMES,
                        queue(write, TaskTypes.CALCULATE_DRIVE_TIMES, id, newName, caller));
            }
            if (changed.contains("name") || changed.contains("phone") || changed.contains("email")) {
                taskIds.put(TaskTypes.SYNC_QUO, queue(write, TaskTypes.SYNC_QUO, id, newName, caller));
            }
        }
        String message = changed.isEmpty()
                ? "Nothing changed."
                : taskIds.isEmpty()
                        ? "Client updated."
                        : "Client updated. " + describe(taskIds) + " processing in background.";
        return write.answer(new ClientAnswer(true, id, changed, taskIds, message));
    }

    private static UUID queue(Write write, String taskType, UUID clientId, String name, Caller caller) {
        return write.queue(
                TaskRef.newTask(taskType, EntityTypes.CLIENT, clientId, name, caller.userId()),
                Map.of("client_id", clientId.toString()),
                caller.name());
    }

    private static void note(List<String> changed, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(field);
        }
    }

    static String describe(Map<String, UUID> taskIds) {
        List<String> work = new ArrayList<>();
        if (taskIds.containsKey(TaskTypes.CALCULATE_DRIVE_TIMES)) {
            work.add("Drive times");
        }
        if (taskIds.containsKey(TaskTypes.SYNC_QUO)) {
            work.add("Quo sync");
        }
        return String.join(" and ", work);
    }
}
