package dev.tasklane.quo.task;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The contact sync's SQL: the client an appointment belongs to, the per-client sync lock, the client and its next
 * scheduled appointment as the contact is made from them, and the Quo contact id stored on the client. Every method
 * but {@link #clientOf} runs in the sync's transaction, which holds the client's lock until it commits.
 */
@Repository
class ContactRows {

    /** A client, as its Quo contact is made from it. */
    record Client(String name, String phone, String email, String address, String quoContactId) {}

    /** The client's next scheduled appointment: its moment and where it picks up and drops off. */
    record NextAppointment(Instant at, String pickupAddress, String dropoffAddress) {}

    private final JdbcTemplate jdbc;

    ContactRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The client of the appointment, read on its own (before the client's sync and its lock begin). */
    Optional<UUID> clientOf(UUID appointmentId) {
        return jdbc.queryForList("SELECT client_id FROM appointments WHERE id = ?", UUID.class, appointmentId).stream()
                .findFirst();
    }

    /**
     * Takes the client's sync lock, held until the caller's transaction ends: syncs of one client run one at a time,
     * across threads and instances.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void lockClient(UUID clientId) {
        jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "tasklane.quo:" + clientId);
    }

    /** The client as it is now, read under the client's sync lock; empty when it no longer exists. */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<Client> client(UUID clientId) {
        return jdbc
                .query(
                        "SELECT name, phone, email, address, quo_contact_id FROM clients WHERE id = ?",
                        (row, n) -> new Client(
                                row.getString(1),
                                row.getString(2),
                                row.getString(3),
                                row.getString(4),
                                row.getString(5)),
                        clientId)
                .stream()
                .findFirst();
    }

    /**
     * The client's next scheduled appointment from now, its pickup address defaulting to {@code clientAddress}; empty
     * when none is scheduled.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<NextAppointment> nextAppointment(UUID clientId, String clientAddress) {
        return jdbc
                .query(
                        """
                        SELECT scheduled_at, coalesce(pickup_address, ?), dropoff_address FROM appointments
                        WHERE client_id = ? AND status = 'scheduled' AND scheduled_at >= now()
                        ORDER BY scheduled_at, id LIMIT 1""",
                        (row, n) -> new NextAppointment(
                                row.getObject(1, OffsetDateTime.class).toInstant(), row.getString(2), row.getString(3)),
                        clientAddress,
                        clientId)
                .stream()
                .findFirst();
    }

    /** Stores the client's Quo contact id, committed with the sync that holds the client's lock. */
    @Transactional(propagation = Propagation.MANDATORY)
    void storeContactId(UUID clientId, String contactId) {
        jdbc.update("UPDATE clients SET quo_contact_id = ? WHERE id = ?", contactId, clientId);
    }
}
