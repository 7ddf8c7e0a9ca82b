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

    public static ApiException badField(String field, String problem) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", field + " " + problem, Map.of(field, problem));
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
