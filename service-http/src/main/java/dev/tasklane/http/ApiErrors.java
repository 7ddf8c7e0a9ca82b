package dev.tasklane.http;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Every error as {@code {"success": false, "error": code, "message": what to do, "fields": {…}}}, in JSON whatever the
 * request's {@code Accept}; never a stack trace.
 */
@RestControllerAdvice
public class ApiErrors {

    private static final Log LOG = LogFactory.getLog(ApiErrors.class);

    /** Why an address is refused before anything runs: by Spring Security's firewall or by Tomcat itself. */
    public static final String REFUSED_ADDRESS = "This address is refused before anything is done: its path holds a "
            + "sequence Tasklane does not accept (a double slash, a semicolon, an encoded slash, backslash or percent sign, "
            + "a '.' or '..' segment, or a control character). Call the endpoint by its plain path, such as "
            + "/get-failed-tasks.";

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Map<String, Object>> api(ApiException e) {
        return body(e.status(), e.error(), e.getMessage(), e.fields());
    }

    /**
     * The client of a stream has gone (a closed tab, a dropped network): nobody is left to answer, and it is no error
     * of ours, so no stack trace either (a mass disconnect would bring one per client).
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone(AsyncRequestNotUsableException e, HttpServletResponse response) {
        LOG.debug("A client left during a streamed answer: " + e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        if (e.getMostSpecificCause() instanceof MismatchedInputException mismatch) {
            String field = field(mismatch);
            Class<?> expected = mismatch.getTargetType();
            String problem = expected == String.class
                    ? "must be text in double quotes (a JSON string), not a number, true or false, a list or an object"
                    : expected == Boolean.class || expected == boolean.class
                            ? "must be true or false, without quotes"
                            : null;
            if (field != null && problem != null) {
                return body(
                        HttpStatus.BAD_REQUEST,
                        "invalid_request",
                        "Some fields need fixing: " + field + " " + problem + ". Nothing was done.",
                        Map.of(field, problem));
            }
        }
        return body(
                HttpStatus.BAD_REQUEST,
                "invalid_request",
                "The request body is not the JSON this endpoint takes: send an object such as {\"task_id\": \"<uuid>\"}.",
                Map.of());
    }

    /** The JSON name of the field a mismatch is in ({@code address.street} when nested), or null at the top. */
    private static String field(MismatchedInputException mismatch) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : mismatch.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            }
        }
        return path.isEmpty() ? null : path.toString();
    }

    /**
     * The caller accepts no JSON ({@code Accept: application/xml}, {@code text/html}): refused when the request is
     * matched to its endpoint, before the endpoint runs, so nothing was done.
     */
    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<Map<String, Object>> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return body(
                HttpStatus.NOT_ACCEPTABLE,
                "not_acceptable",
                "This endpoint answers only in JSON, and the request's Accept header does not allow it; nothing was "
                        + "done. Send 'Accept: application/json', or no Accept header.",
                Map.of());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, Object>> mediaType(HttpMediaTypeNotSupportedException e) {
        return body(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with 'Content-Type: application/json'.",
                Map.of());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, Object>> method(HttpRequestMethodNotSupportedException e) {
        return body(
                HttpStatus.METHOD_NOT_ALLOWED,
                "method_not_allowed",
                e.getMethod() + " is not supported here; use " + e.getSupportedHttpMethods() + ".",
                Map.of());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Map<String, Object>> noResource(NoResourceFoundException e) {
        return body(
                HttpStatus.NOT_FOUND,
                "not_found",
                "There is no endpoint at " + ApiException.quote("/" + e.getResourcePath()) + ".",
                Map.of());
    }

    /**
     * No connection to the database could be had (for a transaction, or for a statement in autocommit): the request did
     * not start, so nothing was written.
     */
    @ExceptionHandler({CannotCreateTransactionException.class, CannotGetJdbcConnectionException.class})
    ResponseEntity<Map<String, Object>> databaseDown(Exception e) {
        LOG.warn("Database unreachable: " + e.getMessage());
        return body(
                HttpStatus.SERVICE_UNAVAILABLE,
                "database_unavailable",
                "The task database cannot be reached right now; nothing was changed. Try again in a minute.",
                Map.of());
    }

    /**
     * The connection to the database broke in the middle of the request: a statement or the rollback failed (nothing was
     * written), or, rarely, the commit itself, whose outcome the database alone knows.
     */
    @ExceptionHandler(DataAccessResourceFailureException.class)
    ResponseEntity<Map<String, Object>> databaseLost(DataAccessResourceFailureException e) {
        return connectionLost(e);
    }

    @ExceptionHandler(TransactionSystemException.class)
    ResponseEntity<Map<String, Object>> transactionFailed(TransactionSystemException e) {
        // a rollback that failed after the request's own failure carries that failure as the application exception
        Throwable during = e.getApplicationException();
        if (lostConnection(e) || during instanceof DataAccessResourceFailureException || lostConnection(during)) {
            return connectionLost(e);
        }
        return unexpected(e);
    }

    private static ResponseEntity<Map<String, Object>> connectionLost(Exception e) {
        LOG.warn("Database connection lost during a request: " + e.getMessage());
        return body(
                HttpStatus.SERVICE_UNAVAILABLE,
                "database_unavailable",
                "The connection to the task database was lost during this request, so it may not have been saved. "
                        + "Try again in a minute; send the same Idempotency-Key header again, if you sent one, so the "
                        + "request is not done twice.",
                Map.of());
    }

    /** An SQL state of class 08 (connection exception) anywhere in the causes. */
    static boolean lostConnection(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> unexpected(Exception e) {
        String reference = UUID.randomUUID().toString();
        LOG.error("Unexpected error, reference " + reference, e);
        return body(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal_error",
                "Something went wrong on our side and nothing was changed. If it happens again, report reference "
                        + reference + ".",
                Map.of());
    }

    public static ResponseEntity<Map<String, Object>> body(
            HttpStatus status, String error, String message, Map<String, String> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", error);
        body.put("message", message);
        if (!fields.isEmpty()) {
            body.put("fields", fields);
        }
        // the content type set here is not negotiated: an error is JSON even for a caller that asked for XML or HTML
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body);
    }
}
