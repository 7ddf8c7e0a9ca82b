package dev.tasklane.gateway.system;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.tasklane.http.ApiException;
import org.springframework.http.HttpStatus;

/**
 * Checks a request field by field and collects every problem, so one 400 names them all:
 * {@code {"fields": {"name": "is required", "phone": "…"}}}; the message quotes each bad value once, cut to
 * {@value ApiException#QUOTED_LENGTH} characters. Values are trimmed; nothing else about them changes (a name with
 * quotes or angle brackets is stored exactly as typed, and only ever written as text). Lengths count characters as a
 * person does (code points: an emoji is one), not UTF-16 units.
 */
public final class Validation {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s.]{2,}$");
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final int MAX_TEXT = 500;

    /** The earliest and latest times PostgreSQL and RFC 3339 can both hold: years 0001 to 9999. */
    private static final OffsetDateTime EARLIEST = OffsetDateTime.parse("0001-01-01T00:00:00Z");

    private static final OffsetDateTime LATEST = OffsetDateTime.parse("9999-12-31T23:59:59.999999Z");

    private final Map<String, String> problems = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final String phoneRegion;

    public Validation(String phoneRegion) {
        this.phoneRegion = phoneRegion;
    }

    /** A non-blank text of at most 500 characters, trimmed; null when missing (the problem is recorded). */
    public String required(String field, String value) {
        if (value == null || value.isBlank()) {
            problems.put(field, "is required");
            return null;
        }
        return optional(field, value);
    }

    /** An optional text of at most 500 characters, trimmed; blank becomes null. */
    public String optional(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.strip();
        int length = trimmed.codePointCount(0, trimmed.length());
        if (length > MAX_TEXT) {
            problems.put(field, "must be at most " + MAX_TEXT + " characters, was " + length);
            return null;
        }
        if (trimmed.indexOf('\u0000') >= 0) {
            problems.put(field, "must not contain a NUL character");
            return null;
        }
        if (trimmed.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
            problems.put(
                    field,
                    "must be valid Unicode text: it holds half of a character (an unpaired surrogate, "
                            + "such as \\ud83d without its pair, often an emoji cut in two); send the whole character");
            return null;
        }
        return trimmed;
    }

    /** A phone number, normalised to E.164 ({@code +15551234567}); blank becomes null. */
    public String phone(String field, String value) {
        String text = optional(field, value);
        if (text == null) {
            return null;
        }
        try {
            Phonenumber.PhoneNumber number = PHONES.parse(text, phoneRegion);
            if (PHONES.isValidNumber(number)) {
                return PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
            }
        } catch (NumberParseException e) {
            // reported below
        }
        problem(
                field,
                "must be a valid phone number, for example +1 212 555 0123 (a number without a country "
                        + "code is read as a " + phoneRegion + " number)",
                text);
        return null;
    }

    /** An email address, checked for its shape; blank becomes null. */
    public String email(String field, String value) {
        String text = optional(field, value);
        if (text != null && (text.length() > 254 || !EMAIL.matcher(text).matches())) {
            problem(field, "must be an email address such as jane@example.com", text);
            return null;
        }
        return text;
    }

    /** A required id. */
    public UUID id(String field, String value) {
        if (value == null || value.isBlank()) {
            problems.put(field, "is required");
            return null;
        }
        return optionalId(field, value);
    }

    public UUID optionalId(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.strip());
        } catch (IllegalArgumentException e) {
            problem(field, "must be an id (UUID)", value);
            return null;
        }
    }

    /** A required time with its offset, RFC 3339: {@code 2026-12-01T09:30:00-05:00}. */
    public OffsetDateTime time(String field, String value) {
        if (value == null || value.isBlank()) {
            problems.put(field, "is required");
            return null;
        }
        try {
            OffsetDateTime time = OffsetDateTime.parse(value.strip());
            if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
                problem(field, "must be a date and time between the years 0001 and 9999", value);
                return null;
            }
            return time;
        } catch (DateTimeParseException e) {
            problem(field, "must be a date and time with its offset, for example 2026-12-01T09:30:00-05:00", value);
            return null;
        }
    }

    /** One of {@code allowed}, or {@code otherwise} when missing. */
    public String oneOf(String field, String value, String otherwise, String... allowed) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        for (String candidate : allowed) {
            if (candidate.equals(value.strip())) {
                return candidate;
            }
        }
        problem(field, "must be one of " + String.join(", ", allowed), value);
        return null;
    }

    public void problem(String field, String problem) {
        problems.put(field, problem);
    }

    /** A problem with the value sent, which the message quotes (once, cut); the field's entry names the problem only. */
    private void problem(String field, String problem, String value) {
        problems.put(field, problem);
        values.put(field, ApiException.quote(value));
    }

    /** Throws a 400 that names every field at fault, if any is. */
    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("Some fields need fixing: ");
            problems.forEach((field, problem) -> {
                message.append(field).append(' ').append(problem);
                if (values.containsKey(field)) {
                    message.append(", was ").append(values.get(field));
                }
                message.append("; ");
            });
            message.setLength(message.length() - 2);
            throw new ApiException(
                    HttpStatus.BAD_REQUEST, "invalid_request", message + ". Nothing was saved.", problems);
        }
    }
}
