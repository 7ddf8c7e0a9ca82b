package dev.tasklane.quo.task;

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
import dev.tasklane.quo.task.ContactRows.Client;
import dev.tasklane.quo.task.ContactRows.NextAppointment;
import dev.tasklane.worker.TaskFailure;
import dev.tasklane.worker.TaskHandler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code sync_quo}: for a client, its Quo contact; for an appointment, its client's contact with the client's next
 * scheduled appointment in the configured custom fields. Every sync reads the current records, so a repeated, late or
 * out-of-order task leaves the contact as the records say. Syncs of one client are serialized by a PostgreSQL advisory
 * lock, across threads and instances, so two tasks about the same client never race to create a contact or write an
 * older state over a newer one; the Quo contact id is stored on the client in the same transaction. Its SQL is in
 * {@link ContactRows}, its messages to people in {@link ContactFailures}.
 */
@Component
class QuoSyncHandler implements TaskHandler {

    private final ContactRows rows;
    private final TransactionTemplate transactions;
    private final ContactSync contacts;
    private final CustomFieldCatalog catalog;
    private final QuoProperties properties;
    private final QuoFailures failures;

    QuoSyncHandler(
            ContactRows rows,
            TransactionTemplate transactions,
            ContactSync contacts,
            CustomFieldCatalog catalog,
            QuoProperties properties,
            QuoFailures failures) {
        this.rows = rows;
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
            default -> throw ContactFailures.unsupportedEntity(request);
        };
    }

    private Map<String, Object> forAppointment(TaskRequested request) {
        UUID clientId = rows.clientOf(request.entityId())
                .orElseThrow(() -> ContactFailures.appointmentNotFound(request.entityName()));
        String subject = ContactFailures.appointment(request.entityName());
        List<CustomFieldCatalog.Use> uses = customFieldUses();
        if (!uses.isEmpty()) {
            quo(
                    () -> {
                        catalog.require(uses);
                        return null;
                    },
                    subject);
        }
        return sync(clientId, request.entityName(), true);
    }

    private Map<String, Object> sync(UUID clientId, String entityName, boolean withAppointment) {
        return transactions.execute(status -> {
            rows.lockClient(clientId);
            Client client = rows.client(clientId).orElseThrow(() -> ContactFailures.clientNotFound(entityName));
            Map<String, Object> appointment = new LinkedHashMap<>();
            Map<String, String> customFields =
                    withAppointment ? nextAppointment(clientId, client, appointment) : Map.of();
            WantedContact wanted = WantedContact.ofClient(
                    clientId.toString(), client.name(), client.phone(), client.email(), customFields);
            ContactSync.Synced synced =
                    quo(() -> contacts.sync(wanted, client.quoContactId()), ContactFailures.contactOf(client.name()));
            if (!synced.contactId().equals(client.quoContactId())) {
                rows.storeContactId(clientId, synced.contactId());
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
        NextAppointment next = rows.nextAppointment(clientId, client.address()).orElse(null);
        String at = next == null ? null : next.at().toString();
        String pickup = next == null ? null : next.pickupAddress();
        String dropoff = next == null ? null : next.dropoffAddress();
        summary.put("next_appointment", next == null ? "none scheduled" : at);
        if (next != null) {
            summary.put("pickup_address", pickup);
            summary.put("dropoff_address", dropoff);
        }
        QuoProperties.CustomFieldKeys keys = properties.customFields();
        Map<String, String> fields = new LinkedHashMap<>();
        put(fields, keys.nextAppointment(), at);
        put(fields, keys.pickupAddress(), pickup);
        put(fields, keys.dropoffAddress(), dropoff);
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
            return failures.run(calls, ContactFailures.doing(subject), e -> failure(e, subject));
        } catch (CustomFieldCatalog.MisconfiguredFieldException e) {
            throw ContactFailures.customFieldMissing(e, failures, subject);
        }
    }

    /**
     * The answer to the errors only a contact sync gets (null leaves the others to {@link QuoFailures}); Quo rejecting
     * the custom fields first forgets the workspace's fields, so a retry checks them again.
     */
    private TaskFailure failure(QuoApiException e, String subject) {
        if (ContactFailures.aboutCustomFields(e)) {
            catalog.forget();
        }
        return ContactFailures.quoAnswer(e, failures, subject);
    }
}
