package dev.tasklane.schema;

import java.sql.Connection;
import java.util.UUID;

import dev.tasklane.testsupport.TestDatabase;
import dev.tasklane.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DomainTablesIntegrationTests {

    private final TestDatabase database = TestPostgres.newDatabase();
    private final Sql sql = new Sql(database.dataSource());

    private UUID aClient() {
        return (UUID) sql.value("INSERT INTO clients (name, phone, email, address) "
                + "VALUES ('Jane Doe', '+15551234567', 'jane@example.com', '1 Main St, Springfield') RETURNING id");
    }

    private UUID aDriver() {
        return (UUID) sql.value("INSERT INTO drivers (name, home_address) VALUES ('Sam', '9 Elm St') RETURNING id");
    }

    private static final String UPSERT_DRIVE_TIME = """
            INSERT INTO client_drive_times (client_id, driver_id, distance_meters, duration_seconds, status)
            VALUES (?, ?, ?, ?, 'OK')
            ON CONFLICT (client_id, driver_id) DO UPDATE
            SET distance_meters = excluded.distance_meters, duration_seconds = excluded.duration_seconds,
                status = excluded.status, computed_at = now()""";

    @Test
    void aDriveTimeIsOneRowPerPairAndARerunOverwritesIt() {
        UUID client = aClient();
        UUID driver = aDriver();

        sql.execute(UPSERT_DRIVE_TIME, client, driver, 1000, 120);
        sql.execute(UPSERT_DRIVE_TIME, client, driver, 1500, 180);

        assertThat(sql.query("SELECT distance_meters, duration_seconds FROM client_drive_times"))
                .singleElement()
                .satisfies(row ->
                        assertThat(row).containsEntry("distance_meters", 1500).containsEntry("duration_seconds", 180));
    }

    @Test
    void aSecondPlainInsertOfAPairIsRefused() {
        UUID client = aClient();
        UUID driver = aDriver();
        String insert = "INSERT INTO client_drive_times (client_id, driver_id, status, status_reason) "
                + "VALUES (?, ?, 'ZERO_RESULTS', 'no route')";
        sql.execute(insert, client, driver);

        assertThat(catchThrowableOfType(Sql.SqlFailure.class, () -> sql.execute(insert, client, driver))
                        .sqlState())
                .isEqualTo("23505");
    }

    @Test
    void anOkDriveTimeNeedsItsValues() {
        assertThat(catchThrowableOfType(
                                Sql.SqlFailure.class,
                                () -> sql.execute(
                                        "INSERT INTO client_drive_times (client_id, driver_id, status) VALUES (?, ?, 'OK')",
                                        aClient(),
                                        aDriver()))
                        .sqlState())
                .isEqualTo("23514");
    }

    @ParameterizedTest
    @ValueSource(strings = {"555-1234", "+0123", "15551234567", "+1 555 123 4567", "+1234567890123456"})
    void aClientPhoneMustBeE164(String phone) {
        assertThat(catchThrowableOfType(
                                Sql.SqlFailure.class,
                                () -> sql.execute(
                                        "INSERT INTO clients (name, phone, address) VALUES ('A', ?, 'x')", phone))
                        .sqlState())
                .isEqualTo("23514");
    }

    @Test
    void aClientNeedsANameAndAnAddress() {
        assertThat(catchThrowableOfType(
                                Sql.SqlFailure.class,
                                () -> sql.execute("INSERT INTO clients (name, address) VALUES ('  ', '1 Main St')"))
                        .sqlState())
                .isEqualTo("23514");
        assertThat(catchThrowableOfType(
                                Sql.SqlFailure.class,
                                () -> sql.execute("INSERT INTO clients (name, address) VALUES ('A', '')"))
                        .sqlState())
                .isEqualTo("23514");
    }

    @Test
    void deletingAClientDeletesItsDriveTimes() {
        UUID client = aClient();
        sql.execute(UPSERT_DRIVE_TIME, client, aDriver(), 1, 1);

        sql.execute("DELETE FROM clients WHERE id = ?", client);

        assertThat(sql.value("SELECT count(*) FROM client_drive_times")).isEqualTo(0L);
    }

    @Test
    void anAppointmentBelongsToAnExistingClient() {
        assertThat(catchThrowableOfType(
                                Sql.SqlFailure.class,
                                () -> sql.execute(
                                        "INSERT INTO appointments (client_id, scheduled_at) VALUES (gen_random_uuid(), now())"))
                        .sqlState())
                .isEqualTo("23503");
        sql.execute("INSERT INTO appointments (client_id, scheduled_at) VALUES (?, now())", aClient());
    }

    @Test
    void updatedAtOfAClientMovesOnUpdate() {
        UUID client = aClient();
        sql.execute("UPDATE clients SET updated_at = now() - interval '1 day' WHERE id = ?", client);

        sql.execute("UPDATE clients SET email = 'new@example.com' WHERE id = ?", client);

        assertThat((Boolean)
                        sql.value("SELECT updated_at > now() - interval '1 minute' FROM clients WHERE id = ?", client))
                .isTrue();
    }

    @Test
    void writingToTheOutboxWakesTheRelayAtCommit() throws Exception {
        try (Connection listener = database.dataSource().getConnection()) {
            Sql.query(listener, "LISTEN outbox");

            sql.execute("INSERT INTO outbox (event_id, topic, message_key, event_type, payload) "
                    + "VALUES (gen_random_uuid(), 'task.requested.sync_quo', 'k', 'TaskRequested', '{}'::jsonb)");

            assertThat(listener.unwrap(PGConnection.class).getNotifications(5000))
                    .extracting(n -> n.getName())
                    .containsExactly("outbox");
        }
    }

    @Test
    void deletingAClientTakesItsFailuresStillInAnInboxOutWithAnEventInTheSameTransaction() {
        UUID client = aClient();
        UUID failed = aTaskOf("client", client, "calculate_drive_times");
        sql.value("SELECT fail_background_task(?, 'Google refused the key: fix it, then retry.')", failed);
        UUID dismissed = aTaskOf("client", client, "sync_quo");
        sql.value("SELECT fail_background_task(?, 'Quo refused the key: fix it, then retry.')", dismissed);
        sql.execute("UPDATE background_tasks SET dismissed_at = now() WHERE id = ?", dismissed);
        UUID running = aTaskOf("client", client, "sync_quo");
        UUID someoneElses = aTaskOf("client", aClient(), "calculate_drive_times");
        sql.value("SELECT fail_background_task(?, 'Google refused the key: fix it, then retry.')", someoneElses);

        sql.execute("DELETE FROM clients WHERE id = ?", client);

        java.util.List<java.util.Map<String, Object>> resolved = sql.query(
                "SELECT message_key, topic, payload::text AS payload FROM outbox WHERE event_type = 'TaskResolved'");
        assertThat(resolved).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("message_key", failed.toString()).containsEntry("topic", "task.status");
            dev.tasklane.events.TaskResolved event = (dev.tasklane.events.TaskResolved)
                    dev.tasklane.events.TaskEventJson.read((String) row.get("payload"));
            assertThat(event.resolution()).isEqualTo("no_longer_needed");
            assertThat(event.reason()).isEqualTo("The client Jane Doe was deleted, so this task is no longer needed.");
            assertThat(event.attempt()).isEqualTo(1);
        });
        assertThat(running).isNotNull();
    }

    private UUID anAppointment() {
        return (UUID) sql.value(
                "INSERT INTO appointments (client_id, scheduled_at) VALUES (?, now()) RETURNING id", aClient());
    }

    private static final String CLAIM_TEXT = "INSERT INTO appointment_texts (appointment_id, revision, kind, task_id) "
            + "VALUES (?, ?, 'confirmation', gen_random_uuid()) ON CONFLICT DO NOTHING";

    @Test
    void anAppointmentStartsAtRevisionOneAndEachRevisionIsTextedOnce() {
        UUID appointment = anAppointment();

        sql.execute(CLAIM_TEXT, appointment, 1);
        sql.execute(CLAIM_TEXT, appointment, 1);
        sql.execute(CLAIM_TEXT, appointment, 2);

        assertThat(sql.value("SELECT revision FROM appointments WHERE id = ?", appointment))
                .isEqualTo(1);
        assertThat(sql.value("SELECT count(*) FROM appointment_texts WHERE appointment_id = ?", appointment))
                .as("one claim per revision")
                .isEqualTo(2L);
    }

    @Test
    void aTextIsSentOnlyWithQuosMessageIdAndAtMost1600Characters() {
        UUID appointment = anAppointment();
        sql.execute(CLAIM_TEXT, appointment, 1);

        assertThat(catchThrowableOfType(
                                Sql.SqlFailure.class,
                                () -> sql.execute(
                                        "UPDATE appointment_texts SET status = 'sent', sent_at = now() "
                                                + "WHERE appointment_id = ?",
                                        appointment))
                        .sqlState())
                .isEqualTo("23514");
        assertThat(catchThrowableOfType(
                                Sql.SqlFailure.class,
                                () -> sql.execute(
                                        "UPDATE appointment_texts SET content = repeat('x', 1601) "
                                                + "WHERE appointment_id = ?",
                                        appointment))
                        .sqlState())
                .isEqualTo("23514");
        assertThat(catchThrowableOfType(
                                Sql.SqlFailure.class,
                                () -> sql.execute("UPDATE appointments SET revision = 0 WHERE id = ?", appointment))
                        .sqlState())
                .isEqualTo("23514");
    }

    @Test
    void noSignedInCallerReadsTheTexts() {
        UUID appointment = anAppointment();
        sql.execute(CLAIM_TEXT, appointment, 1);

        Sql.SqlFailure failure = catchThrowableOfType(
                Sql.SqlFailure.class,
                () -> sql.callerValue(UUID.randomUUID(), "admin", "SELECT count(*) FROM appointment_texts"));

        assertThat(failure.sqlState()).as("no grant: only the services read it").isEqualTo("42501");
        assertThat(sql.value("SELECT relrowsecurity FROM pg_class WHERE relname = 'appointment_texts'"))
                .isEqualTo(true);
    }

    private UUID aTaskOf(String entityType, UUID entityId, String taskType) {
        return (UUID)
                sql.value("SELECT create_background_task(?, ?, 'Jane Doe', ?, NULL)", entityType, entityId, taskType);
    }
}
