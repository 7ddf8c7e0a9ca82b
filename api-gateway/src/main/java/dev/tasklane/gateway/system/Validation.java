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
 * {@code {"fields": {"name": "is required", "phone": "…"}}}. Values are trimmed; nothing else about them changes
 * (a name with quotes or angle brackets is stored exactly as typed, and only ever written as text).
 */
public final class Validation {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s.]{2,}$");
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final int MAX_TEXT = 500;

    private final Map<String, String> problems = new LinkedHashMap<>();
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
        if (trimmed.length() > MAX_TEXT) {
            problems.put(field, "must be at most " + MAX_TEXT + " characters, was " + trimmed.length());
            return null;
        }
        if (trimmed.indexOf('\u0000') >= 0) {
            problems.put(field, "must not contain a NUL character");
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
        }
        catch (NumberParseException e) {
            // reported below
        }
        problems.put(field, "must be a valid phone number, for example +1 212 555 0123 (a number without a country "
                + "code is read as a " + phoneRegion + " number), was '" + text + "'");
        return null;
    }

    /** An email address, checked for its shape; blank becomes null. */
    public String email(String field, String value) {
        String text = optional(field, value);
        if (text != null && (text.length() > 254 || !EMAIL.matcher(text).matches())) {
            problems.put(field, "must be an email address such as jane@example.com, was '" + text + "'");
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
        }
        catch (IllegalArgumentException e) {
            problems.put(field, "must be an id (UUID), was '" + value + "'");
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
            return OffsetDateTime.parse(value.strip());
        }
        catch (DateTimeParseException e) {
            problems.put(field, "must be a date and time with its offset, for example 2026-12-01T09:30:00-05:00, was '"
                    + value + "'");
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
        problems.put(field, "must be one of " + String.join(", ", allowed) + ", was '" + value + "'");
        return null;
    }

    public void problem(String field, String problem) {
        problems.put(field, problem);
    }

    /** Throws a 400 that names every field at fault, if any is. */
    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("Some fields need fixing: ");
            problems.forEach((field, problem) -> message.append(field).append(' ').append(problem).append("; "));
            message.setLength(message.length() - 2);
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", message + ". Nothing was saved.", problems);
        }
    }
}
