package dev.tasklane.ledger.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.TaskTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** How failures of one cause become incidents: the rule a rebuild relies on, row by row. */
class IncidentBookTests {

    private static final IncidentBook.Cause CAUSE =
            new IncidentBook.Cause("calculate_drive_times", "google_maps", "REQUEST_DENIED");
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    /** A failure at day {@code failedDay} that left the inbox at day {@code leftDay} (negative: still there). */
    private static IncidentBook.Failure failure(int number, double failedDay, double leftDay) {
        return new IncidentBook.Failure(
                new UUID(0, number),
                1,
                CAUSE.source(),
                CAUSE.errorCode(),
                day(failedDay),
                leftDay < 0 ? null : day(leftDay),
                null);
    }

    private static Instant day(double day) {
        return T0.plus(Duration.ofMinutes(Math.round(day * 24 * 60)));
    }

    private static List<IncidentBook.Incident> fold(List<IncidentBook.Failure> failures) {
        Map<UUID, IncidentBook.Incident> incidents = new LinkedHashMap<>();
        IncidentBook.fold(CAUSE, failures, incidents, new LinkedHashMap<>());
        return new ArrayList<>(incidents.values());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // failures as failedDay:leftDay (-1 = still in an inbox) | incidents as state:failures:open
                "0:-1 0.1:-1 0.2:-1            | open:3:3",
                "0:1 0.5:2                     | resolved:2:0",
                "0:1 0.5:-1                    | open:2:1",
                // after every earlier failure left: within 7 days regresses, later opens a new incident
                "0:1 3:-1                      | regressed:2:1",
                "0:1 3:4                       | resolved:2:0",
                "0:1 9:-1                      | resolved:1:0 open:1:1",
                // a failure while another is still open joins it, however long the incident has lasted
                "0:-1 30:-1                    | open:2:2",
                // the 7 days count from when the last one left, not from the first failure
                "0:5 2:6 12:-1                 | regressed:3:1",
                "0:5 2:6 14:-1                 | resolved:2:0 open:1:1"
            })
    void failuresOfOneCauseBecomeIncidents(String failures, String expected) {
        List<IncidentBook.Failure> given = new ArrayList<>();
        int number = 0;
        for (String failure : failures.trim().split("\\s+")) {
            String[] days = failure.split(":");
            given.add(failure(++number, Double.parseDouble(days[0]), Double.parseDouble(days[1])));
        }

        List<String> incidents = fold(given).stream()
                .map(incident -> incident.state() + ":" + incident.failures() + ":" + incident.openFailures())
                .toList();

        assertThat(String.join(" ", incidents)).isEqualTo(expected.trim());
    }

    @Test
    void anIncidentIsNamedInBusinessWordsAndDatedByItsFailures() {
        IncidentBook.Incident incident = fold(List.of(failure(1, 0, 1), failure(2, 0.5, 2), failure(3, 3, -1)))
                .get(0);

        assertThat(incident.title()).isEqualTo("Google Maps refused Tasklane's API key");
        assertThat(incident.advice()).contains("GOOGLE_MAPS_API_KEY");
        assertThat(incident.firstSeen()).isEqualTo(day(0));
        assertThat(incident.lastSeen()).isEqualTo(day(3));
        assertThat(incident.regressedAt()).isEqualTo(day(3));
        assertThat(incident.resolvedAt()).isNull();
        assertThat(fold(List.of(failure(1, 0, 1), failure(2, 0.5, 2))).get(0).resolvedAt())
                .isEqualTo(day(2));
    }

    @Test
    void theIncidentsDoNotDependOnTheOrderTheFailuresWereRecordedIn() {
        List<IncidentBook.Failure> failures = new ArrayList<>(List.of(
                failure(1, 0, 1), failure(2, 3, 4), failure(3, 12, -1), failure(4, 12.5, 13), failure(5, 0.2, 0.9)));
        List<IncidentBook.Incident> expected = fold(sorted(failures));

        for (int i = 0; i < 20; i++) {
            Collections.shuffle(failures, new java.util.Random(i));
            assertThat(fold(sorted(failures))).isEqualTo(expected);
        }
        assertThat(expected).hasSize(2);
        assertThat(expected.get(0).id()).isNotEqualTo(expected.get(1).id());
    }

    /** What the book reads from the database: ordered by when each failure happened. */
    private static List<IncidentBook.Failure> sorted(List<IncidentBook.Failure> failures) {
        List<IncidentBook.Failure> copy = new ArrayList<>(failures);
        copy.sort(java.util.Comparator.comparing(IncidentBook.Failure::failedAt)
                .thenComparing(IncidentBook.Failure::taskId));
        return copy;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # source | code                | title                                                              | advice names
            quo      | LANDLINE            | Some clients' numbers are landlines, which cannot receive texts    | mobile number
            quo      | OPTED_OUT           | Some clients have opted out of texts from you                      | Call the clients
            quo      | INVALID_NUMBER      | Quo could not text some clients' numbers                           | phone number
            quo      | NO_CREDITS          | Quo has no credit left to send texts                               | billing
            quo      | FROM_NUMBER_UNKNOWN | Quo does not know the number texts are sent from                   | TASKLANE_QUO_FROM_NUMBER
            worker   | TEXT_NOT_CONFIGURED | Appointment texts are not set up                                   | TASKLANE_QUO_FROM_NUMBER
            worker   | NO_PHONE            | Clients without a phone number                                     | mobile number
            """)
    void aTextThatCannotBeSentIsAnIncidentInBusinessWords(String source, String code, String title, String advice) {
        IncidentCatalog.Words words = IncidentCatalog.of(TaskTypes.SEND_APPOINTMENT_TEXT, source, code);
        assertThat(words.title()).isEqualTo(title);
        assertThat(words.advice()).contains(advice);
    }

    @Test
    void aCauseNotInTheCatalogIsStillNamedAndAWaitDeadlineSaysNothingIsToBeDone() {
        assertThat(IncidentCatalog.of("sync_quo", "quo", "HTTP_418").title())
                .isEqualTo("Quo contact sync failed: Quo answered HTTP_418");
        assertThat(IncidentCatalog.of("calculate_drive_times", "google_maps", "WAIT_DEADLINE")
                        .advice())
                .startsWith("Nothing to do for now");
    }
}
