package dev.tasklane.quo.task;

import java.time.Duration;
import java.util.UUID;

import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskWaiting;
import dev.tasklane.quo.Clients;
import dev.tasklane.quo.QuoSimulatorHolder;
import dev.tasklane.quo.QuoWorkerTest;
import dev.tasklane.testsupport.TestTopics;
import dev.tasklane.worker.RateBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.TestPropertySource;

import static dev.tasklane.quo.QuoSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each way a sync fails, with the message a person gets: Quo's own message, code and field errors, and what to do.
 * The circuit breaker is kept out of the way here (it needs 100 calls), so retries run out and the task fails.
 */
@QuoWorkerTest
@TestPropertySource(
        properties = {
            "resilience4j.retry.instances.quo.max-attempts=3",
            "resilience4j.circuitbreaker.instances.quo.sliding-window-size=100",
            "resilience4j.circuitbreaker.instances.quo.minimum-number-of-calls=100",
            "tasklane.quo.read-timeout=1s"
        })
@ExtendWith(OutputCaptureExtension.class)
class QuoSyncFailureIntegrationTests {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    RateBudget quoBudget;

    private Clients clients;

    @BeforeEach
    void freshQuo() {
        SIMULATOR.reset();
        clients = new Clients(jdbc, kafka);
    }

    @AfterEach
    void theKeyAppearsInNoEventAndNoLog(CapturedOutput output) {
        assertThat(output.getAll()).doesNotContain(QuoSimulatorHolder.KEY);
        assertThat(TestTopics.records(TaskTopics.STATUS))
                .allSatisfy(record -> assertThat(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8))
                        .doesNotContain(QuoSimulatorHolder.KEY));
        assertThat(Clients.specProblems()).isEmpty();
    }

    private TaskFailed failedSyncOf(String name, String phone, String email) {
        UUID client = clients.aClient(name, phone, email);
        return TestTopics.awaitFailed(clients.syncClient(client, name));
    }

    @Test
    void aRejectedKeyFailsAtOnceAndSaysHowToReplaceIt() {
        Clients.mode("{\"mode\": \"unauthorized\"}");

        TaskFailed failed = failedSyncOf("Kay Rejected", null, null);

        assertThat(failed.error().code()).isEqualTo("UNAUTHORIZED");
        assertThat(failed.error().source()).isEqualTo("quo");
        assertThat(failed.error().retryable()).isFalse();
        assertThat(failed.error().message())
                .startsWith(
                        "The Quo API key was rejected (GET /v1/contacts answered HTTP 401 0800401 \"Invalid API key\")")
                .contains("while syncing the Quo contact of Kay Rejected")
                .contains("create a new key in Quo settings → API, set QUO_API_KEY");
        assertThat(Clients.stats().get("requests").asInt()).as("not retried").isEqualTo(1);
    }

    @Test
    void anInvalidFieldSpellsOutQuosFieldErrorAndSaysWhatToCorrect() {
        TaskFailed failed = failedSyncOf("Ema Ilbad", "+12125550190", "ema-at-example.com");

        assertThat(failed.error().code()).isEqualTo("INVALID_REQUEST");
        assertThat(failed.error().retryable()).isFalse();
        assertThat(failed.error().message())
                .isEqualTo(
                        "Quo rejected the Quo contact of Ema Ilbad as invalid: POST "
                                + "/v1/contacts answered HTTP 400 0801400 \"Invalid request body\": /defaultFields/emails/0/value: "
                                + "Invalid email address (value ema-at-example.com). Correct the client's details in Tasklane (phone in "
                                + "E.164 such as +15551234567, a valid email) and save the client; saving syncs the contact again.");
        assertThat(Clients.stats().get("requests").asInt())
                .as("one lookup, one refused create")
                .isEqualTo(2);
    }

    @Test
    void aForbiddenKeySaysToCheckItsWorkspaceAndPlan() {
        Clients.mode("{\"mode\": \"forbidden\", \"count\": 1}");

        TaskFailed failed = failedSyncOf("Fora Bidden", null, null);

        assertThat(failed.error().code()).isEqualTo("FORBIDDEN");
        assertThat(failed.error().message())
                .contains("HTTP 403 0801403 \"The API key's user is not a phone number user\"")
                .contains("Check in Quo settings → API that the key belongs to the workspace");
    }

    @Test
    void aContactDeletedInQuoDuringTheSyncFailsWithNotFoundAndARetryRecreatesIt() {
        UUID client = clients.aClient("Del Eted", null, null);
        TestTopics.awaitCompleted(clients.syncClient(client, "Del Eted"));
        String contactId = clients.quoContactId(client);
        jdbc.update("UPDATE clients SET name = 'Del Etedd' WHERE id = ?", client);
        // the read of the contact and the update each wait (within the timeout); the contact is deleted in between
        int before = Clients.stats().get("requests").asInt();
        Clients.mode("{\"mode\": \"slow\", \"count\": 2, \"slow_ms\": 500}");
        TaskRequested sync = clients.syncClient(client, "Del Etedd");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Clients.stats().get("requests").asInt() == before + 2);
        clients.deleteInQuo(contactId);

        TaskFailed failed = TestTopics.awaitFailed(sync);
        TestTopics.awaitCompleted(clients.syncClient(client, "Del Etedd"));

        assertThat(failed.error().code()).isEqualTo("NOT_FOUND");
        assertThat(failed.error().message())
                .contains("PATCH /v1/contacts/{id} answered HTTP 404 0800404 \"Contact not found\"")
                .contains("Retry the task: it finds or creates the contact again.");
        assertThat(clients.contactOf(client).at("/defaultFields/lastName").asString())
                .isEqualTo("Etedd");
    }

    @Test
    void aRateLimitThatOutlastsTheRetriesFailsRetryablyAndSaysWhatToDo() {
        Clients.mode("{\"mode\": \"rate_limited\"}");

        TaskFailed failed = failedSyncOf("Ray Limit", null, null);

        assertThat(failed.error().code()).isEqualTo("RATE_LIMITED");
        assertThat(failed.error().retryable()).isTrue();
        assertThat(failed.error().message())
                .contains("Quo kept answering 429 Too Many Requests")
                .contains("Tasklane tried 3 times with growing pauses")
                .contains("give Tasklane a key of its own or lower TASKLANE_QUO_QUOTA_PER_SECOND");
        assertThat(Clients.stats().get("requests").asInt()).isEqualTo(3);
    }

    /** As if other instances had taken the key's moments for ten minutes ahead: longer than a call waits (60 s). */
    @Test
    void whenTheKeysSharedBudgetIsTakenFarAheadTheTaskWaitsAndRunsWhenItsTurnComes() {
        UUID client = clients.aClient("Wanda Waiting", null, null);
        jdbc.update(
                "INSERT INTO rate_budgets (name, next_at) VALUES (?, clock_timestamp() + interval '10 minutes') "
                        + "ON CONFLICT (name) DO UPDATE SET next_at = excluded.next_at",
                quoBudget.name());
        try {
            TaskRequested request = clients.syncClient(client, "Wanda Waiting");

            TaskWaiting waiting = TestTopics.awaitEvent(TaskTopics.STATUS, request.taskId(), TaskWaiting.class);
            assertThat(waiting.waitingFor()).isEqualTo("quo");
            assertThat(waiting.reason())
                    .contains("The Quo rate limit, shared by every Quo worker, is used up for the "
                            + "moment, so syncing the Quo contact of Wanda Waiting waits its turn");
            assertThat(Clients.stats().get("requests").asInt())
                    .as("calls to Quo")
                    .isZero();

            jdbc.update("UPDATE rate_budgets SET next_at = clock_timestamp() WHERE name = ?", quoBudget.name());
            TestTopics.awaitCompleted(request);
        } finally {
            jdbc.update(
                    "UPDATE rate_budgets SET next_at = least(next_at, clock_timestamp()) WHERE name = ?",
                    quoBudget.name());
        }
    }

    @Test
    void aServerErrorThatOutlastsTheRetriesNamesQuosAnswer() {
        Clients.mode("{\"mode\": \"server_error\"}");

        TaskFailed failed = failedSyncOf("Serv Error", null, null);

        assertThat(failed.error().code()).isEqualTo("SERVER_ERROR");
        assertThat(failed.error().message())
                .contains("HTTP 500 0801500 \"An unknown error occurred\"")
                .contains("Tasklane tried 3 times");
    }

    @Test
    void aServerErrorThatPassesIsRetriedAndTheTaskCompletes() {
        Clients.mode("{\"mode\": \"server_error\", \"count\": 2}");
        UUID client = clients.aClient("Brief Outage", null, null);

        TestTopics.awaitCompleted(clients.syncClient(client, "Brief Outage"));

        assertThat(clients.contactsOf(client)).hasSize(1);
        assertThat(Clients.stats().at("/by_status/500").asInt()).isEqualTo(2);
    }

    @Test
    void aTimeoutThatOutlastsTheRetriesSaysSo() {
        Clients.mode("{\"mode\": \"slow\", \"slow_ms\": 1500}");

        TaskFailed failed = failedSyncOf("Tim Out", null, null);

        assertThat(failed.error().code()).isEqualTo("TIMEOUT");
        assertThat(failed.error().message())
                .startsWith("The Quo API did not answer within 1 s while syncing the Quo "
                        + "contact of Tim Out; Tasklane tried 3 times");
    }

    @Test
    void aClientThatNoLongerExistsOrAnotherEntityFailsWithoutCallingQuo() {
        UUID nobody = UUID.randomUUID();
        TaskFailed gone = TestTopics.awaitFailed(clients.syncClient(nobody, "Ghost Client"));
        TaskFailed driver = TestTopics.awaitFailed(clients.sync(EntityTypes.DRIVER, UUID.randomUUID(), "Dan Driver"));
        TaskFailed appointment =
                TestTopics.awaitFailed(clients.sync(EntityTypes.APPOINTMENT, UUID.randomUUID(), "Ghost, tomorrow"));

        assertThat(gone.error().code()).isEqualTo("CLIENT_NOT_FOUND");
        assertThat(gone.error().message()).contains("Ghost Client").contains("Dismiss this task");
        assertThat(driver.error().code()).isEqualTo("UNSUPPORTED_ENTITY");
        assertThat(appointment.error().code()).isEqualTo("APPOINTMENT_NOT_FOUND");
        assertThat(Clients.stats().get("requests").asInt()).isZero();
    }
}
