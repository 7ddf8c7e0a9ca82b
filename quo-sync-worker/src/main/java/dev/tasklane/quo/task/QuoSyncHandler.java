package dev.tasklane.quo.task;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.quo.contacts.ContactSync;
import dev.tasklane.quo.contacts.CustomFieldCatalog;
import dev.tasklane.quo.contacts.QuoApiException;
import dev.tasklane.quo.contacts.WantedContact;
import dev.tasklane.quo.system.QuoFailures;
import dev.tasklane.quo.system.QuoProperties;
import dev.tasklane.worker.TaskFailure;
import dev.tasklane.worker.TaskHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code sync_quo}: for a client, its Quo contact; for an appointment, its client's contact with the client's next
 * scheduled appointment in the configured custom fields. Every sync reads the current records, so a repeated, late or
 * out-of-order task leaves the contact as the records say. Syncs of one client are serialized by a PostgreSQL advisory
 * lock, across threads and instances, so two tasks about the same client never race to create a contact or write an
 * older state over a newer one; the Quo contact id is stored on the client in the same transaction.
 */
@Component
class QuoSyncHandler implements TaskHandler {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ContactSync contacts;
    private final CustomFieldCatalog catalog;
    private final QuoProperties properties;
    private final QuoFailures failures;

    QuoSyncHandler(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            ContactSync contacts,
            CustomFieldCatalog catalog,
            QuoProperties properties,
            QuoFailures failures) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.contacts = contacts;
        this.catalog = catalog;
        this.properties = properties;
        this.failures = failures;
    }

    @Override
    public String taskType() {
        return TaskTypes.SYNC_QUO;
    }

    @Override
    public Map<String, Object> handle(TaskRequested request) {
        return switch (request.entityType()) {
            case EntityTypes.CLIENT -> sync(request.entityId(), request.entityName(), false);
            case EntityTypes.APPOINTMENT -> forAppointment(request);
            default ->
                throw new TaskFailure(
                        "Quo contacts are synced for a client or an appointment, but this task is "
                                + "about a " + request.entityType() + " (" + request.entityName()
                                + "). Dismiss it; if it keeps "
                                + "coming, report it: whatever queued it has a bug.",
                        "UNSUPPORTED_ENTITY",
                        "worker",
                        false);
        };
    }

    private Map<String, Object> forAppointment(TaskRequested request) {
        List<UUID> client =
                jdbc.queryForList("SELECT client_id FROM appointments WHERE id = ?", UUID.class, request.entityId());
        if (client.isEmpty()) {
            throw new TaskFailure(
                    "Cannot put the appointment " + request.entityName() + " on its client's Quo contact: "
                            + "the appointment no longer exists (deleted after the task was queued). Dismiss this task.",
                    "APPOINTMENT_NOT_FOUND",
                    "worker",
                    false);
        }
        String subject = "the appointment " + request.entityName();
        List<CustomFieldCatalog.Use> uses = customFieldUses();
        if (!uses.isEmpty()) {
            quo(
                    () -> {
                        catalog.require(uses);
                        return null;
                    },
                    subject);
        }
        return sync(client.get(0), request.entityName(), true);
    }

    private record Client(String name, String phone, String email, String address, String quoContactId) {}

    private Map<String, Object> sync(UUID clientId, String entityName, boolean withAppointment) {
        return transactions.execute(status -> {
            jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "tasklane.quo:" + clientId);
            List<Client> found = jdbc.query(
                    "SELECT name, phone, email, address, quo_contact_id FROM clients WHERE id = ?",
                    (row, n) -> new Client(
                            row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5)),
                    clientId);
            if (found.isEmpty()) {
                throw new TaskFailure(
                        "Cannot sync the Quo contact of " + entityName + ": the client no longer exists "
                                + "(deleted after the task was queued). Dismiss this task.",
                        "CLIENT_NOT_FOUND",
                        "worker",
                        false);
            }
            Client client = found.get(0);
            Map<String, Object> appointment = new LinkedHashMap<>();
            Map<String, String> customFields =
                    withAppointment ? nextAppointment(clientId, client, appointment) : Map.of();
            WantedContact wanted = WantedContact.ofClient(
                    clientId.toString(), client.name(), client.phone(), client.email(), customFields);
            ContactSync.Synced synced =
                    quo(() -> contacts.sync(wanted, client.quoContactId()), "the Quo contact of " + client.name());
            if (!synced.contactId().equals(client.quoContactId())) {
                jdbc.update("UPDATE clients SET quo_contact_id = ? WHERE id = ?", synced.contactId(), clientId);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("contact_id", synced.contactId());
            result.put("outcome", synced.outcome().name().toLowerCase(Locale.ROOT));
            result.putAll(appointment);
            return result;
        });
    }

    /** The client's next scheduled appointment, as the configured custom fields (null values clear them). */
    private Map<String, String> nextAppointment(UUID clientId, Client client, Map<String, Object> summary) {
        List<String[]> next = jdbc.query(
                """
                SELECT scheduled_at, coalesce(pickup_address, ?), dropoff_address FROM appointments
                WHERE client_id = ? AND status = 'scheduled' AND scheduled_at >= now()
                ORDER BY scheduled_at, id LIMIT 1""",
                (row, n) -> new String[] {
                    row.getObject(1, OffsetDateTime.class).toInstant().toString(), row.getString(2), row.getString(3)
                },
                client.address(),
                clientId);
        String[] values = next.isEmpty() ? new String[3] : next.get(0);
        summary.put("next_appointment", next.isEmpty() ? "none scheduled" : values[0]);
        if (!next.isEmpty()) {
            summary.put("pickup_address", values[1]);
            summary.put("dropoff_address", values[2]);
        }
        QuoProperties.CustomFieldKeys keys = properties.customFields();
        Map<String, String> fields = new LinkedHashMap<>();
        put(fields, keys.nextAppointment(), values[0]);
        put(fields, keys.pickupAddress(), values[1]);
        put(fields, keys.dropoffAddress(), values[2]);
        return fields;
    }

    private static void put(Map<String, String> fields, String key, String value) {
        if (key != null && !key.isBlank()) {
            fields.put(key, value);
        }
    }

    private List<CustomFieldCatalog.Use> customFieldUses() {
        QuoProperties.CustomFieldKeys keys = properties.customFields();
        List<CustomFieldCatalog.Use> uses = new ArrayList<>();
        use(
                uses,
                "tasklane.quo.custom-fields.next-appointment, TASKLANE_QUO_FIELD_NEXT_APPOINTMENT",
                keys.nextAppointment(),
                Set.of("date", "string"));
        use(
                uses,
                "tasklane.quo.custom-fields.pickup-address, TASKLANE_QUO_FIELD_PICKUP_ADDRESS",
                keys.pickupAddress(),
                Set.of("address", "string"));
        use(
                uses,
                "tasklane.quo.custom-fields.dropoff-address, TASKLANE_QUO_FIELD_DROPOFF_ADDRESS",
                keys.dropoffAddress(),
                Set.of("address", "string"));
        return uses;
    }

    private static void use(List<CustomFieldCatalog.Use> uses, String setting, String key, Set<String> types) {
        if (key != null && !key.isBlank()) {
            uses.add(new CustomFieldCatalog.Use(setting, key, types));
        }
    }

    /** Runs Quo calls for {@code subject}, turning what can go wrong into a wait or a failure a person can act on. */
    private <T> T quo(Supplier<T> calls, String subject) {
        try {
            return failures.run(calls, "syncing " + subject, e -> failure(e, subject));
        } catch (CustomFieldCatalog.MisconfiguredFieldException e) {
            throw failure(
                    "Cannot put " + subject + " on the client's Quo contact: " + e.getMessage() + " Create the "
                            + "field in Quo (Settings → Contacts → custom properties) or point the setting at an existing "
                            + "field (an empty value leaves it out), restart quo-sync-worker, then retry the task.",
                    "CUSTOM_FIELD_MISSING",
                    false);
        }
    }

    /** The answer to the errors only a contact sync gets; null leaves the others to {@link QuoFailures}. */
    private TaskFailure failure(QuoApiException e, String subject) {
        String said = e.getMessage();
        if (e.status() == 400 && e.problems().stream().anyMatch(problem -> problem.startsWith("/customFields"))) {
            catalog.forget();
            return failure(
                    "Quo rejected the appointment fields of " + subject + ": " + said + ". The workspace's "
                            + "contact custom fields changed since Tasklane last looked. Retry the task: it checks the fields "
                            + "again and says which setting to correct.",
                    "CUSTOM_FIELD_MISSING",
                    true);
        }
        return switch (e.status()) {
            case 400 ->
                failure(
                        "Quo rejected " + subject + " as invalid: " + said + ". Correct the client's details "
                                + "in Tasklane (phone in E.164 such as +15551234567, a valid email) and save the client; saving "
                                + "syncs the contact again.",
                        "INVALID_REQUEST",
                        false);
            case 404 ->
                failure(
                        "Quo has no such contact (" + said + ") while syncing " + subject + ": it was deleted "
                                + "in Quo during the sync. Retry the task: it finds or creates the contact again.",
                        "NOT_FOUND",
                        true);
            case 409 ->
                failure(
                        "Quo refused to create " + subject + " as a conflict (" + said + "). Retry the task; "
                                + "if it keeps failing, look in Quo for a contact with this client's details and remove its "
                                + "external id or the duplicate.",
                        "CONFLICT",
                        true);
            default -> null;
        };
    }

    private TaskFailure failure(String message, String code, boolean retryable) {
        return failures.failure(message, code, retryable);
    }
}
