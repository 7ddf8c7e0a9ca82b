package dev.tasklane.quo.texts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskWaiting;
import dev.tasklane.quo.Clients;
import dev.tasklane.quo.QuoWorkerTest;
import dev.tasklane.simulators.quo.QuoSimulator;
import dev.tasklane.testsupport.TestTopics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.IllegalTransactionStateException;

import static dev.tasklane.quo.QuoSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Appointment texts through the worker, the real broker and database and the Quo simulator: the right words, once,
 * only the newest, the cancellation, waiting out Quo's limits and outages, and one quota for contacts and texts.
 */
@QuoWorkerTest
@TestPropertySource(properties = "tasklane.quo.texts.from-number=" + QuoSimulator.PHONE_NUMBER_ID)
class AppointmentTextIntegrationTests {

    /** 1 December 2026, 9:30 in Chicago. */
    private static final Instant AT = Instant.parse("2026-12-01T15:30:00Z");

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    AppointmentTextRows rows;

    private Clients clients;

    @BeforeEach
    void freshQuo() {
        SIMULATOR.reset();
        clients = new Clients(jdbc, kafka);
    }

    @AfterEach
    void everyCallAndAnswerWasAsQuosSpecSays() {
        assertThat(Clients.specProblems()).isEmpty();
    }

    private UUID anAppointmentOf(String name, String phone) {
        return clients.anAppointment(clients.aClient(name, phone, null), AT, null, "City Clinic");
    }

    private long rowsOf(UUID appointment) {
        return jdbc.queryForObject(
                "SELECT count(*) FROM appointment_texts WHERE appointment_id = ? AND status = 'sent'",
                Long.class,
                appointment);
    }

    @Test
    void theTextsLockReadsClaimAndMarkRunOnlyInsideACallersTransaction() {
        UUID anyone = UUID.randomUUID();

        assertThatThrownBy(() -> rows.lockAppointment(anyone)).isInstanceOf(IllegalTransactionStateException.class);
        assertThatThrownBy(() -> rows.appointment(anyone)).isInstanceOf(IllegalTransactionStateException.class);
        assertThatThrownBy(() -> rows.claim(anyone, 1)).isInstanceOf(IllegalTransactionStateException.class);
        assertThatThrownBy(() -> rows.startSending(anyone, 1, TextKind.CONFIRMATION, anyone, "+12175550100", "Hi"))
                .isInstanceOf(IllegalTransactionStateException.class);
        assertThatThrownBy(() -> rows.markSent(anyone, 1, "AC1")).isInstanceOf(IllegalTransactionStateException.class);
        assertThatThrownBy(() -> rows.quoMessageIds(anyone)).isInstanceOf(IllegalTransactionStateException.class);
    }

    @Test
    void aSavedAppointmentTextsItsClientOnceWithNameLocalTimeAndAddress() {
        UUID appointment = anAppointmentOf("Jane Doe", "+12175550100");

        TaskCompleted done = TestTopics.awaitCompleted(clients.text(appointment, 1, "Jane Doe, 1 Dec 2026 15:30"));

        assertThat(Clients.textsTo("+12175550100")).singleElement().satisfies(text -> {
            assertThat(text.content())
                    .isEqualTo("Hi Jane Doe, your ride is confirmed for Tuesday, December 1, 2026 at 9:30 AM CST. "
                            + "Pickup: 1 Jane Doe Street, Springfield. Reply to this text if anything changes.");
            assertThat(text.from()).isEqualTo(QuoSimulator.PHONE_NUMBER);
            assertThat(done.result())
                    .containsEntry("outcome", "sent")
                    .containsEntry("kind", "confirmation")
                    .containsEntry("revision", 1)
                    .containsEntry("quo_message_id", text.id());
        });
        assertThat(rowsOf(appointment)).isEqualTo(1);
    }

    @Test
    void aRedeliveredOrRetriedTaskTextsOnlyOnce() {
        UUID appointment = anAppointmentOf("Rey Delivered", "+12175550101");
        TaskRequested request = clients.text(appointment, 1, "Rey Delivered");
        TestTopics.awaitCompleted(request);

        clients.send(request);
        TaskRequested retry = TaskRequested.of(request.task().nextAttempt(), request.payload());
        clients.send(retry);
        TaskCompleted again = TestTopics.awaitCompleted(retry);

        assertThat(again.result()).containsEntry("outcome", "already_sent");
        assertThat(TestTopics.events(TaskTopics.STATUS, request.taskId(), TaskCompleted.class))
                .as("the retry ran after the redelivery, on the same partition")
                .hasSize(3);
        assertThat(Clients.textsTo("+12175550101")).hasSize(1);
    }

    @Test
    void aTextThatWentOutJustBeforeACrashIsFoundInQuoAndNotSentAgain() {
        UUID appointment = anAppointmentOf("Cora Shed", "+12175550102");
        String content = "Hi Cora Shed, your ride is confirmed for Tuesday, December 1, 2026 at 9:30 AM CST. "
                + "Pickup: 1 Cora Shed Street, Springfield. Reply to this text if anything changes.";
        // the state a crash between Quo's 202 and the mark leaves: the claim committed, the text sent, no mark
        jdbc.update(
                "INSERT INTO appointment_texts (appointment_id, revision, kind, task_id, to_number, content, "
                        + "send_started_at) VALUES (?, 1, 'confirmation', gen_random_uuid(), ?, ?, now())",
                appointment,
                "+12175550102",
                content);
        clients.textInQuo("+12175550102", content);

        TaskCompleted done = TestTopics.awaitCompleted(clients.text(appointment, 1, "Cora Shed"));

        assertThat(Clients.textsTo("+12175550102")).hasSize(1);
        assertThat(done.result())
                .containsEntry("outcome", "sent")
                .containsEntry("recovered", true)
                .containsEntry("quo_message_id", SIMULATOR.texts().get(0).id());
        assertThat(rowsOf(appointment)).isEqualTo(1);
    }

    @Test
    void aClaimedTextThatNeverWentOutIsSentOnce() {
        UUID appointment = anAppointmentOf("Nev Ersent", "+12175550103");
        jdbc.update(
                "INSERT INTO appointment_texts (appointment_id, revision, kind, task_id, to_number, content, "
                        + "send_started_at) VALUES (?, 1, 'confirmation', gen_random_uuid(), ?, 'Hi', now())",
                appointment,
                "+12175550103");

        TaskCompleted done = TestTopics.awaitCompleted(clients.text(appointment, 1, "Nev Ersent"));

        assertThat(done.result()).containsEntry("outcome", "sent").doesNotContainKey("recovered");
        assertThat(Clients.textsTo("+12175550103")).hasSize(1);
    }

    @Test
    void aSendThatTimedOutAfterQuoTookItIsNotSentTwice() {
        UUID appointment = anAppointmentOf("Tim Eout", "+12175550104");
        // Quo takes the text but answers after the worker's 2 s timeout: the worker cannot know it went out
        Clients.mode("{\"mode\": \"sent_slow\", \"count\": 1, \"slow_ms\": 3000}");

        TaskCompleted done = TestTopics.awaitCompleted(clients.text(appointment, 1, "Tim Eout"));

        assertThat(Clients.textsTo("+12175550104")).hasSize(1);
        assertThat(done.result())
                .containsEntry("quo_message_id", SIMULATOR.texts().get(0).id());
    }

    @Test
    void anAppointmentMovedTwiceQuicklyTextsOnlyTheNewest() {
        UUID appointment = anAppointmentOf("Moe Vedtwice", "+12175550105");
        int second = clients.change(appointment, "scheduled_at = ?::timestamptz", "2026-12-01T16:30:00Z");
        int third = clients.change(appointment, "pickup_address = ?", "9 Elm St");

        TaskRequested first = clients.text(appointment, 1, "Moe Vedtwice");
        TaskRequested middle = clients.text(appointment, second, "Moe Vedtwice");
        TaskRequested newest = clients.text(appointment, third, "Moe Vedtwice");

        assertThat(TestTopics.awaitCompleted(first).result())
                .containsEntry("outcome", "superseded")
                .containsEntry("current_revision", 3);
        assertThat(TestTopics.awaitCompleted(middle).result()).containsEntry("outcome", "superseded");
        assertThat(TestTopics.awaitCompleted(newest).result()).containsEntry("outcome", "sent");
        assertThat(Clients.textsTo("+12175550105"))
                .singleElement()
                .satisfies(text ->
                        assertThat(text.content()).contains("10:30 AM CST").contains("Pickup: 9 Elm St."));
    }

    @Test
    void aCancelledAppointmentIsToldItsCancellation() {
        UUID appointment = anAppointmentOf("Can Celled", "+12175550106");
        int cancelled = clients.change(appointment, "status = ?", "cancelled");

        TaskCompleted done = TestTopics.awaitCompleted(clients.text(appointment, cancelled, "Can Celled"));

        assertThat(done.result()).containsEntry("kind", "cancellation");
        assertThat(Clients.textsTo("+12175550106"))
                .singleElement()
                .satisfies(text -> assertThat(text.content())
                        .isEqualTo("Hi Can Celled, your ride on Tuesday, December 1, 2026 at 9:30 AM CST from 1 Can "
                                + "Celled Street, Springfield is cancelled. Reply to this text or call us to book a new "
                                + "time."));
        assertThat(jdbc.queryForObject(
                        "SELECT kind FROM appointment_texts WHERE appointment_id = ?", String.class, appointment))
                .isEqualTo("cancellation");
    }

    @Test
    void aTextWaitsOutQuosRateLimitAndIsSentOnceWhenItClears() {
        UUID appointment = anAppointmentOf("Rae Limited", "+12175550107");
        Clients.mode("{\"mode\": \"rate_limited\", \"count\": 8}");

        TaskRequested request = clients.text(appointment, 1, "Rae Limited");
        TaskWaiting waiting = TestTopics.awaitEvent(TaskTopics.STATUS, request.taskId(), TaskWaiting.class);
        TestTopics.awaitCompleted(request);

        assertThat(waiting.waitingFor()).isEqualTo("quo");
        assertThat(waiting.reason()).contains("Rae Limited");
        assertThat(Clients.textsTo("+12175550107")).hasSize(1);
    }

    @Test
    void aTextWaitsOutAQuoOutageAndIsSentOnceWhenItAnswers() {
        UUID appointment = anAppointmentOf("Sev Ererror", "+12175550108");
        Clients.mode("{\"mode\": \"server_error\", \"count\": 8}");

        TaskRequested request = clients.text(appointment, 1, "Sev Ererror");
        TaskWaiting waiting = TestTopics.awaitEvent(TaskTopics.STATUS, request.taskId(), TaskWaiting.class);
        TestTopics.awaitCompleted(request);

        assertThat(waiting.reason())
                .isEqualTo("Quo is not answering, so Tasklane paused calls to it; texting Sev Ererror about their "
                        + "appointment on Tuesday, December 1, 2026 at 9:30 AM CST resumes by itself when it answers "
                        + "again.");
        assertThat(Clients.textsTo("+12175550108"))
                .as("a 500 may hide a sent text: looked up, sent once")
                .hasSize(1);
    }

    @Test
    void contactsAndTextsAtOnceShareTheKeysQuotaAndMeetNo429() {
        List<TaskRequested> requests = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            String name = "Quo Ta" + i;
            String phone = "+1217555" + String.format("%04d", 2000 + i);
            UUID client = clients.aClient(name, phone, null);
            requests.add(clients.syncClient(client, name));
            requests.add(clients.text(clients.anAppointment(client, AT, null, null), 1, name));
        }

        requests.forEach(TestTopics::awaitCompleted);

        assertThat(SIMULATOR.texts()).hasSize(15);
        assertThat(Clients.stats().get("by_status").has("429"))
                .as("429s: " + Clients.stats().get("by_status"))
                .isFalse();
    }
}
