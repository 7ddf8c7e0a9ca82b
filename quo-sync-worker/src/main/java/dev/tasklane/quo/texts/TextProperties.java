package dev.tasklane.quo.texts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The appointment texts' settings ({@code tasklane.quo.texts.*}). A template is the setting's text, or the file a
 * {@code …-file} setting names (read once, at start), or Tasklane's own when both are unset or empty; either way it is
 * checked at start: known placeholders only, not blank, at most 1600 characters.
 *
 * @param fromNumber           the number texts are sent from: a Quo phone number id ({@code PN…}) or the number in
 *                             E.164 ({@code TASKLANE_QUO_FROM_NUMBER}); empty until texts are wanted (a text task then
 *                             fails saying so)
 * @param timeZone             the business's time zone, in which a text gives the appointment's date and time
 *                             ({@code TASKLANE_BUSINESS_TIME_ZONE})
 * @param confirmationTemplate the confirmation's text ({@code TASKLANE_TEXT_CONFIRMATION_TEMPLATE})
 * @param confirmationFile     a file holding it instead ({@code TASKLANE_TEXT_CONFIRMATION_TEMPLATE_FILE})
 * @param cancellationTemplate the cancellation's text ({@code TASKLANE_TEXT_CANCELLATION_TEMPLATE})
 * @param cancellationFile     a file holding it instead ({@code TASKLANE_TEXT_CANCELLATION_TEMPLATE_FILE})
 */
@ConfigurationProperties("tasklane.quo.texts")
public record TextProperties(
        String fromNumber,
        @DefaultValue("America/Chicago") ZoneId timeZone,
        String confirmationTemplate,
        String confirmationFile,
        String cancellationTemplate,
        String cancellationFile) {

    static final String CONFIRMATION = "Hi {client_name}, your ride is confirmed for {date} at {time}. Pickup: "
            + "{pickup_address}. Reply to this text if anything changes.";
    static final String CANCELLATION = "Hi {client_name}, your ride on {date} at {time} from {pickup_address} is "
            + "cancelled. Reply to this text or call us to book a new time.";

    private static final Pattern PHONE_NUMBER_ID = Pattern.compile("^PN.+$");
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");

    public TextProperties {
        fromNumber = fromNumber == null || fromNumber.isBlank() ? null : fromNumber.strip();
        if (fromNumber != null
                && !PHONE_NUMBER_ID.matcher(fromNumber).matches()
                && !E164.matcher(fromNumber).matches()) {
            throw new IllegalStateException("tasklane.quo.texts.from-number (TASKLANE_QUO_FROM_NUMBER) must be a Quo "
                    + "phone number id such as PNa1b2c3 or the number in E.164 such as +13125550100, was '"
                    + fromNumber + "'. Quo lists both under Settings → Phone numbers.");
        }
        confirmationTemplate =
                confirmationTemplate == null || confirmationTemplate.isBlank() ? CONFIRMATION : confirmationTemplate;
        cancellationTemplate =
                cancellationTemplate == null || cancellationTemplate.isBlank() ? CANCELLATION : cancellationTemplate;
        confirmationTemplate = read(
                confirmationFile,
                confirmationTemplate,
                "tasklane.quo.texts.confirmation-file (TASKLANE_TEXT_CONFIRMATION_TEMPLATE_FILE)");
        cancellationTemplate = read(
                cancellationFile,
                cancellationTemplate,
                "tasklane.quo.texts.cancellation-file (TASKLANE_TEXT_CANCELLATION_TEMPLATE_FILE)");
        TextTemplate.check(
                confirmationTemplate,
                confirmationFile != null && !confirmationFile.isBlank()
                        ? "the file " + confirmationFile + " (TASKLANE_TEXT_CONFIRMATION_TEMPLATE_FILE)"
                        : "tasklane.quo.texts.confirmation-template (TASKLANE_TEXT_CONFIRMATION_TEMPLATE)");
        TextTemplate.check(
                cancellationTemplate,
                cancellationFile != null && !cancellationFile.isBlank()
                        ? "the file " + cancellationFile + " (TASKLANE_TEXT_CANCELLATION_TEMPLATE_FILE)"
                        : "tasklane.quo.texts.cancellation-template (TASKLANE_TEXT_CANCELLATION_TEMPLATE)");
    }

    private static String read(String file, String template, String setting) {
        if (file == null || file.isBlank()) {
            return template;
        }
        try {
            return Files.readString(Path.of(file.strip()), StandardCharsets.UTF_8)
                    .strip();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot read the text template " + file + " named by " + setting + " (" + e + "): check the "
                            + "path and that quo-sync-worker may read it, or unset the setting to use the template's "
                            + "text instead.",
                    e);
        }
    }

    /** The template of {@code kind}. */
    TextTemplate template(TextKind kind) {
        return new TextTemplate(
                kind == TextKind.CONFIRMATION ? confirmationTemplate : cancellationTemplate,
                timeZone,
                kind == TextKind.CONFIRMATION
                        ? "TASKLANE_TEXT_CONFIRMATION_TEMPLATE (or its _FILE)"
                        : "TASKLANE_TEXT_CANCELLATION_TEMPLATE (or its _FILE)");
    }

    /** Whether {@link #fromNumber()} is a phone number id rather than the number itself. */
    boolean fromIsPhoneNumberId() {
        return fromNumber != null && fromNumber.startsWith("PN");
    }
}
