package dev.tasklane.quo.texts;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text's template: its placeholders ({@code {client_name}}, {@code {date}}, {@code {time}},
 * {@code {pickup_address}}, {@code {dropoff_address}}) filled in, the date and time in the business's time zone, in
 * US English ("Tuesday, December 1, 2026", "9:30 AM CST").
 */
record TextTemplate(String text, ZoneId zone, String setting) {

    /** Quo's limit on a message's content. */
    static final int MAX_LENGTH = 1600;

    static final Set<String> PLACEHOLDERS = Set.of("client_name", "date", "time", "pickup_address", "dropoff_address");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEEE, MMMM d, yyyy", Locale.US);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("h:mm a z", Locale.US);

    /** Refuses a template that no text could be made of, naming the {@code setting} to correct. */
    static void check(String template, String setting) {
        if (template == null || template.isBlank()) {
            throw new IllegalStateException("The text template in " + setting
                    + " is empty: give it the text to send, or unset it for " + "Tasklane's own.");
        }
        if (template.length() > MAX_LENGTH) {
            throw new IllegalStateException("The text template in " + setting + " has " + template.length()
                    + " characters; Quo sends at most " + MAX_LENGTH + " in one text. Shorten it.");
        }
        Matcher placeholders = PLACEHOLDER.matcher(template);
        while (placeholders.find()) {
            if (!PLACEHOLDERS.contains(placeholders.group(1))) {
                throw new IllegalStateException("The text template in " + setting + " has the placeholder "
                        + placeholders.group() + ", which Tasklane does not know; it knows {client_name}, {date}, "
                        + "{time}, {pickup_address} and {dropoff_address}.");
            }
        }
    }

    /** The text for an appointment at {@code at}; an unknown address is left empty. */
    String render(String clientName, Instant at, String pickupAddress, String dropoffAddress) {
        Map<String, String> values = Map.of(
                "client_name",
                clientName,
                "date",
                DATE.format(at.atZone(zone)),
                "time",
                TIME.format(at.atZone(zone)),
                "pickup_address",
                pickupAddress == null ? "" : pickupAddress,
                "dropoff_address",
                dropoffAddress == null ? "" : dropoffAddress);
        return PLACEHOLDER
                .matcher(text)
                .replaceAll(found -> Matcher.quoteReplacement(values.getOrDefault(found.group(1), found.group())))
                .strip();
    }

    /** "Tuesday, December 1, 2026 at 9:30 AM CST": for a person reading a failure. */
    String when(Instant at) {
        return DATE.format(at.atZone(zone)) + " at " + TIME.format(at.atZone(zone));
    }
}
