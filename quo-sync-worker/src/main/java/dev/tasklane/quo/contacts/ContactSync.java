package dev.tasklane.quo.contacts;

import java.util.List;
import java.util.Optional;

import dev.tasklane.quo.system.QuoProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes a client's Quo contact say what Tasklane's records say, exactly once in effect however often it runs: the
 * contact is found by the stored Quo id or by {@code externalId} (the client id) before one is created, and a 409 on
 * creating (another sync created it meanwhile) is answered by finding and updating it. An update reads the contact and
 * merges ({@link ContactMerge}); nothing is sent when the contact already says it all.
 */
@Component
public class ContactSync {

    private static final Log LOG = LogFactory.getLog(ContactSync.class);

    private final QuoClient quo;
    private final QuoProperties properties;
    private final MeterRegistry meters;

    ContactSync(QuoClient quo, QuoProperties properties, MeterRegistry meters) {
        this.quo = quo;
        this.properties = properties;
        this.meters = meters;
    }

    /** What a sync did to the contact. */
    public enum Outcome {
        CREATED,
        UPDATED,
        UNCHANGED
    }

    /** The contact's Quo id, and what the sync did to it. */
    public record Synced(String contactId, Outcome outcome) {}

    /**
     * Creates or updates the contact of {@code wanted}.
     *
     * @param knownId the Quo id stored on the client, or null
     */
    public Synced sync(WantedContact wanted, String knownId) {
        Optional<Contact> existing =
                Optional.ofNullable(knownId).flatMap(quo::find).or(() -> byExternalId(wanted.externalId()));
        if (existing.isEmpty()) {
            try {
                return counted(new Synced(
                        quo.create(ContactMerge.creation(wanted, properties.source()))
                                .id(),
                        Outcome.CREATED));
            } catch (QuoApiException e) {
                if (e.status() != 409) {
                    throw e;
                }
                existing = byExternalId(wanted.externalId());
                if (existing.isEmpty()) {
                    throw new QuoApiException(
                            e.operation(),
                            e.status(),
                            e.code(),
                            e.apiMessage() + "; yet no contact " + "has externalId " + wanted.externalId(),
                            e.problems());
                }
            }
        }
        Contact contact = existing.get();
        Optional<ObjectNode> changes = ContactMerge.update(contact, wanted);
        if (changes.isEmpty()) {
            return counted(new Synced(contact.id(), Outcome.UNCHANGED));
        }
        quo.update(contact.id(), changes.get());
        return counted(new Synced(contact.id(), Outcome.UPDATED));
    }

    private Optional<Contact> byExternalId(String externalId) {
        List<Contact> found = quo.findByExternalId(externalId);
        if (found.size() > 1) {
            LOG.warn("Quo has " + found.size() + " contacts with externalId " + externalId + " ("
                    + found.stream().map(Contact::id).toList() + "); Tasklane keeps "
                    + found.get(0).id()
                    + " in step. Merge the others into it in Quo.");
        }
        return found.stream().findFirst();
    }

    private Synced counted(Synced synced) {
        Counter.builder("tasklane.quo.contacts")
                .description("Quo contacts synced, by what the sync did")
                .tag("outcome", synced.outcome().name().toLowerCase(java.util.Locale.ROOT))
                .register(meters)
                .increment();
        return synced;
    }
}
