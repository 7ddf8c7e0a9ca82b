package dev.tasklane.quo.texts;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.quo.Clients;
import dev.tasklane.quo.QuoSimulatorHolder;
import dev.tasklane.quo.QuoWorkerTest;
import dev.tasklane.simulators.quo.QuoSimulator;
import dev.tasklane.testsupport.TestTopics;
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

/**
 * Each way a text fails, with the message a person gets: who could not be texted, at which number, why, and what to
 * do. The circuit breaker is kept out of the way (it needs 100 calls).
 */
@QuoWorkerTest
@TestPropertySource(
        properties = {
            "tasklane.quo.texts.from-number=" + QuoSimulator.PHONE_NUMBER,
            "resilience4j.retry.instances.quo.max-attempts=3",
            "resilience4j.circuitbreaker.instances.quo.sliding-window-size=100",
            "resilience4j.circuitbreaker.instances.quo.minimum-number-of-calls=100"
        })
@ExtendWith(OutputCaptureExtension.class)
class AppointmentTextFailureIntegrationTests {

    private static final Instant AT = Instant.parse("2026-12-01T15:30:00Z");

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

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
                .allSatisfy(record -> assertThat(new String(record.value(), StandardCharsets.UTF_8))
                        .doesNotContain(QuoSimulatorHolder.KEY));
        assertThat(Clients.specProblems()).isEmpty();
    }

    private TaskFailed failedTextTo(String name, String phone) {
        UUID appointment = clients.anAppointment(clients.aClient(name, phone, null), AT, null, null);
        TaskFailed failed = TestTopics.awaitFailed(clients.text(appointment, 1, name));
        assertThat(SIMULATOR.texts()).isEmpty();
        return failed;
    }

    @Test
    void aLandlineSaysToCheckTheMobileNumber() {
        Clients.mode("{\"mode\": \"landline\", \"count\": 1}");

        TaskFailed failed = failedTextTo("Jane Doe", "+12175550100");

        assertThat(failed.error().code()).isEqualTo("LANDLINE");
        assertThat(failed.error().source()).isEqualTo("quo");
        assertThat(failed.error().retryable()).isFalse();
        assertThat(failed.error().message())
                .startsWith("Quo could not text Jane Doe at +1 217 555 0100: the number is a landline (POST "
                        + "/v1/messages answered HTTP 400 0206400")
                .endsWith("Check the client's mobile number, then retry.");
    }

    @Test
    void aRecipientWhoOptedOutIsToBeCalledInstead() {
        Clients.mode("{\"mode\": \"opted_out\", \"count\": 1}");

        TaskFailed failed = failedTextTo("Otto Out", "+12175550111");

        assertThat(failed.error().code()).isEqualTo("OPTED_OUT");
        assertThat(failed.error().message())
                .startsWith("Quo could not text Otto Out at +1 217 555 0111: they have opted out of texts from you")
                .endsWith("call them instead about their appointment on Tuesday, December 1, 2026 at 9:30 AM CST.");
    }

    @Test
    void aNumberQuoCannotTextSaysToCheckIt() {
        Clients.mode("{\"mode\": \"invalid_number\", \"count\": 1}");

        TaskFailed failed = failedTextTo("Inna Valid", "+12175550112");

        assertThat(failed.error().code()).isEqualTo("INVALID_NUMBER");
        assertThat(failed.error().message())
                .startsWith("Quo could not text Inna Valid at +1 217 555 0112: Quo says the number cannot receive "
                        + "texts")
                .contains("Check the client's mobile number, then retry.");
    }

    @Test
    void aClientWithoutAPhoneFailsWithoutCallingQuo() {
        TaskFailed failed = failedTextTo("Noah Phone", null);

        assertThat(failed.error().code()).isEqualTo("NO_PHONE");
        assertThat(failed.error().message())
                .isEqualTo("Cannot text Noah Phone about their appointment on Tuesday, December 1, 2026 at 9:30 AM "
                        + "CST: the client has no phone number in Tasklane. Add the client's mobile number, then retry "
                        + "the task.");
        assertThat(Clients.stats().get("requests").asInt()).isZero();
    }

    @Test
    void aRejectedKeySaysHowToReplaceItAndIsNotRetried() {
        Clients.mode("{\"mode\": \"unauthorized\"}");

        TaskFailed failed = failedTextTo("Kay Rejected", "+12175550113");

        assertThat(failed.error().code()).isEqualTo("UNAUTHORIZED");
        assertThat(failed.error().message())
                .startsWith("The Quo API key was rejected (POST /v1/messages answered HTTP 401 0200401 \"Invalid API "
                        + "key\") while texting Kay Rejected about their appointment on Tuesday, December 1, 2026")
                .contains("set QUO_API_KEY and restart quo-sync-worker");
        assertThat(Clients.stats().get("requests").asInt()).isEqualTo(1);
    }

    @Test
    void aDeletedAppointmentSaysToDismissTheTask() {
        UUID client = clients.aClient("Del Eted", "+12175550114", null);
        UUID appointment = clients.anAppointment(client, AT, null, null);
        jdbc.update("DELETE FROM appointments WHERE id = ?", appointment);

        TaskFailed failed = TestTopics.awaitFailed(clients.text(appointment, 1, "Del Eted, 1 Dec 2026 15:30"));

        assertThat(failed.error().code()).isEqualTo("APPOINTMENT_NOT_FOUND");
        assertThat(failed.error().message())
                .contains("Del Eted, 1 Dec 2026 15:30")
                .contains("Dismiss this task");
    }

    @Test
    void aSendingNumberGivenAsE164IsLookedUpOnceForTheCheckAfterATimeout() {
        UUID appointment =
                clients.anAppointment(clients.aClient("Eve Onesixfour", "+12175550115", null), AT, null, null);
        Clients.mode("{\"mode\": \"sent_slow\", \"count\": 1, \"slow_ms\": 3000}");

        TestTopics.awaitCompleted(clients.text(appointment, 1, "Eve Onesixfour"));

        assertThat(Clients.textsTo("+12175550115")).hasSize(1);
        assertThat(SIMULATOR.exchanges())
                .filteredOn(exchange -> exchange.path().equals("/v1/phone-numbers"))
                .hasSize(1);
    }
}
