package dev.tasklane.http;

import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * A request that cannot be served, with what a person should know: the status, a short code, a message that says what
 * to do, and the fields at fault.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String error;
    private final Map<String, String> fields;

    public ApiException(HttpStatus status, String error, String message) {
        this(status, error, message, Map.of());
    }

    public ApiException(HttpStatus status, String error, String message, Map<String, String> fields) {
        super(message);
        this.status = status;
        this.error = error;
        this.fields = Map.copyOf(fields);
    }

    /** How much of a bad value an answer quotes, in characters (code points). */
    public static final int QUOTED_LENGTH = 100;

    public static ApiException badField(String field, String problem) {
        return new ApiException(
                HttpStatus.BAD_REQUEST, "invalid_request", field + " " + problem, Map.of(field, problem));
    }

    /**
     * A 400 for {@code field}, whose message quotes the bad value once, cut to {@value #QUOTED_LENGTH} characters: an
     * answer never grows with what the caller sent.
     */
    public static ApiException badField(String field, String problem, String value) {
        return new ApiException(
                HttpStatus.BAD_REQUEST,
                "invalid_request",
                field + " " + problem + ", was " + quote(value),
                Map.of(field, problem));
    }

    /**
     * {@code value} in single quotes, its first {@value #QUOTED_LENGTH} characters and "…" when longer; a character
     * that is not valid Unicode (half of a surrogate pair) is shown as U+FFFD.
     */
    public static String quote(String value) {
        if (value == null) {
            return "nothing";
        }
        int length = value.codePointCount(0, value.length());
        String shown =
                length <= QUOTED_LENGTH ? value : value.substring(0, value.offsetByCodePoints(0, QUOTED_LENGTH)) + "…";
        StringBuilder quoted = new StringBuilder(shown.length() + 2).append('\'');
        shown.codePoints()
                .forEach(c -> quoted.appendCodePoint(
                        c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE ? 0xFFFD : c));
        return quoted.append('\'').toString();
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, "not_found", message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(HttpStatus.CONFLICT, "conflict", message);
    }

    public HttpStatus status() {
        return status;
    }

    public String error() {
        return error;
    }

    public Map<String, String> fields() {
        return fields;
    }
}
