package dev.tasklane.quo.texts;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The appointment texts' SQL: the per-appointment text lock, the appointment as it is now, and the rows of
 * {@code appointment_texts} (the claim of a revision, its mark as sent). Every method runs in a caller's transaction:
 * the text's, which holds the appointment's lock until it commits, or, for {@link #startSending}, the claim's own.
 */
@Repository
class AppointmentTextRows {

    /** An appointment at its current revision, with what its text is made from. */
    record Appointment(
            int revision, String status, Instant at, String pickup, String dropoff, String client, String phone) {}

    /** A revision's row in {@code appointment_texts}: claimed ({@code sendStartedAt}) and perhaps sent. */
    record Claim(String status, String to, String content, Instant sendStartedAt, String quoMessageId) {}

    private final JdbcTemplate jdbc;

    AppointmentTextRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the appointment's text lock, held until the caller's transaction ends: texts of one appointment run one at
     * a time, across threads and instances.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void lockAppointment(UUID id) {
        jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "tasklane.text:" + id);
    }

    /** The appointment, its pickup address defaulting to the client's; empty when it no longer exists. */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<Appointment> appointment(UUID id) {
        return jdbc
                .query(
                        """
                        SELECT a.revision, a.status, a.scheduled_at, coalesce(a.pickup_address, c.address), a.dropoff_address,
                               c.name, c.phone
                        FROM appointments a JOIN clients c ON c.id = a.client_id WHERE a.id = ?""",
                        (row, n) -> new Appointment(
                                row.getInt(1),
                                row.getString(2),
                                row.getObject(3, OffsetDateTime.class).toInstant(),
                                row.getString(4),
                                row.getString(5),
                                row.getString(6),
                                row.getString(7)),
                        id)
                .stream()
                .findFirst();
    }

    /** The revision's row; empty when the revision was never claimed. */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<Claim> claim(UUID id, int revision) {
        return jdbc
                .query(
                        "SELECT status, to_number, content, send_started_at, quo_message_id FROM appointment_texts "
                                + "WHERE appointment_id = ? AND revision = ?",
                        (row, n) -> new Claim(
                                row.getString(1),
                                row.getString(2),
                                row.getString(3),
                                Optional.ofNullable(row.getTimestamp(4))
                                        .map(Timestamp::toInstant)
                                        .orElse(null),
                                row.getString(5)),
                        id,
                        revision)
                .stream()
                .findFirst();
    }

    /**
     * Claims the revision with what is about to be sent and returns the claim's moment. The caller runs it in a
     * transaction of its own and commits it before calling Quo, so a crash after the call still leaves the claim to
     * look the text up by.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Instant startSending(UUID id, int revision, TextKind kind, UUID taskId, String to, String content) {
        return jdbc.queryForObject("""
                INSERT INTO appointment_texts (appointment_id, revision, kind, task_id, to_number, content,
                                               send_started_at)
                VALUES (?, ?, ?, ?, ?, ?, now())
                ON CONFLICT (appointment_id, revision) DO UPDATE
                    SET task_id = excluded.task_id, to_number = excluded.to_number, content = excluded.content,
                        send_started_at = excluded.send_started_at
                RETURNING send_started_at""", Timestamp.class, id, revision, kind.value(), taskId, to, content)
                .toInstant();
    }

    /** Marks the revision sent with Quo's message id, committed with the text's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    void markSent(UUID id, int revision, String quoMessageId) {
        jdbc.update(
                "UPDATE appointment_texts SET status = 'sent', quo_message_id = ?, sent_at = now() "
                        + "WHERE appointment_id = ? AND revision = ?",
                quoMessageId,
                id,
                revision);
    }

    /** The Quo message ids of the appointment's texts sent so far, whichever revision's. */
    @Transactional(propagation = Propagation.MANDATORY)
    Set<String> quoMessageIds(UUID id) {
        return Set.copyOf(jdbc.queryForList(
                "SELECT quo_message_id FROM appointment_texts WHERE appointment_id = ? AND quo_message_id IS NOT NULL",
                String.class,
                id));
    }
}
