package dev.tasklane.http;

import java.util.Map;
import java.util.UUID;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page ({@code /error}), for the errors that never reached a controller (a filter's
 * {@code sendError}, an exception thrown in a filter): the same JSON as {@link ApiErrors}, for every {@code Accept}, in
 * place of Spring Boot's Whitelabel page or its empty answer to a caller that asked for XML.
 */
@RestController
public class JsonErrorController implements ErrorController {

    private static final Log LOG = LogFactory.getLog(JsonErrorController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value)
                : HttpStatus.INTERNAL_SERVER_ERROR;
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String where = path == null ? "this address" : ApiException.quote(path.toString());
        if (status.is5xxServerError()) {
            String reference = UUID.randomUUID().toString();
            LOG.error("Unexpected error outside a controller, reference " + reference, (Throwable)
                    request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
            return ApiErrors.body(
                    status,
                    "internal_error",
                    "Something went wrong on our side and nothing was changed. "
                            + "If it happens again, report reference " + reference + ".",
                    Map.of());
        }
        return switch (status) {
            case NOT_FOUND -> ApiErrors.body(status, "not_found", "There is no endpoint at " + where + ".", Map.of());
            default ->
                ApiErrors.body(
                        status,
                        "invalid_request",
                        "The request to " + where + " could not be served ("
                                + status.value() + " " + status.getReasonPhrase()
                                + "); nothing was done. Check the address, "
                                + "its parameters and its headers.",
                        Map.of());
        };
    }
}
