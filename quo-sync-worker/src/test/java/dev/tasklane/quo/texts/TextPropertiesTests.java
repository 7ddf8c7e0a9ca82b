package dev.tasklane.quo.texts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextPropertiesTests {

    private static final Instant DEC_1_1530_UTC = Instant.parse("2026-12-01T15:30:00Z");

    private static TextProperties with(String from, String confirmation, String confirmationFile) {
        return new TextProperties(from, ZoneId.of("America/Chicago"), confirmation, confirmationFile, null, null);
    }

    @Test
    void theConfirmationGivesTheNameTheLocalDateAndTimeAndTheAddress() {
        TextTemplate template = with("PNabc", null, null).template(TextKind.CONFIRMATION);

        assertThat(template.render("Jane Doe", DEC_1_1530_UTC, "1 Main St, Springfield", null))
                .isEqualTo("Hi Jane Doe, your ride is confirmed for Tuesday, December 1, 2026 at 9:30 AM CST. "
                        + "Pickup: 1 Main St, Springfield. Reply to this text if anything changes.");
    }

    @Test
    void theTimeIsTheBusinesssWhateverTheSeason() {
        TextTemplate july = new TextProperties(
                        "+13125550100",
                        ZoneId.of("America/Denver"),
                        "{date} {time} {dropoff_address}",
                        null,
                        null,
                        null)
                .template(TextKind.CONFIRMATION);

        assertThat(july.render("A", Instant.parse("2026-07-04T02:00:00Z"), null, "City Clinic"))
                .isEqualTo("Friday, July 3, 2026 8:00 PM MDT City Clinic");
    }

    @Test
    void theCancellationHasATemplateOfItsOwn() {
        TextTemplate template = with("PNabc", null, null).template(TextKind.CANCELLATION);

        assertThat(template.render("Jane Doe", DEC_1_1530_UTC, "1 Main St", null))
                .startsWith("Hi Jane Doe, your ride on Tuesday, December 1, 2026 at 9:30 AM CST from 1 Main St is "
                        + "cancelled.");
    }

    @Test
    void aTemplateFileIsReadOnceAndWinsOverTheText(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("confirmation.txt");
        Files.writeString(file, "Hello {client_name}, see you {date}.\n");

        TextTemplate template =
                with(null, "ignored {client_name}", file.toString()).template(TextKind.CONFIRMATION);

        assertThat(template.render("Ann", DEC_1_1530_UTC, null, null))
                .isEqualTo("Hello Ann, see you Tuesday, December 1, 2026.");
    }

    @Test
    void aTemplateNoTextCouldBeMadeOfIsRefusedAtStartNamingTheSetting() {
        assertThatThrownBy(() -> with(null, "Hi {first_name}", null))
                .hasMessageContaining("TASKLANE_TEXT_CONFIRMATION_TEMPLATE")
                .hasMessageContaining("{first_name}");
        assertThatThrownBy(() -> with(null, "x".repeat(1601), null))
                .hasMessageContaining("1601 characters")
                .hasMessageContaining("1600");
        assertThatThrownBy(() -> with(null, null, "/nonexistent/confirmation.txt"))
                .hasMessageContaining("TASKLANE_TEXT_CONFIRMATION_TEMPLATE_FILE")
                .hasMessageContaining("/nonexistent/confirmation.txt");
    }

    @Test
    void theSendingNumberIsAPhoneNumberIdOrE164() {
        assertThat(with("PNa1b2c3", null, null).fromIsPhoneNumberId()).isTrue();
        assertThat(with(" +13125550100 ", null, null).fromNumber()).isEqualTo("+13125550100");
        assertThat(with("", null, null).fromNumber()).as("unset").isNull();
        assertThatThrownBy(() -> with("312-555-0100", null, null))
                .hasMessageContaining("TASKLANE_QUO_FROM_NUMBER")
                .hasMessageContaining("312-555-0100");
    }

    @Test
    void aNumberReadsAsAPersonWritesIt() {
        assertThat(PhoneNumbers.readable("+12175550100")).isEqualTo("+1 217 555 0100");
        assertThat(PhoneNumbers.readable("+442071838750")).isEqualTo("+442071838750");
    }
}
