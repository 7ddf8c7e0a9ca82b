package dev.tasklane.auth;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tasklane.http.ApiErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 as JSON a person can act on, in the same shape as every other Tasklane error:
 * {@code {"success": false, "error": "unauthorized", "message": "…"}}. The standard {@code WWW-Authenticate} header
 * stays.
 */
public class JsonSecurityErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final BearerTokenAuthenticationEntryPoint headers = new BearerTokenAuthenticationEntryPoint();

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        headers.commence(request, response, failure);
        String reason = request.getHeader("Authorization") == null && request.getParameter("access_token") == null
                ? "no bearer token was sent"
                : "the token was rejected (" + failure.getMessage() + ")";
        write(
                response,
                HttpStatus.UNAUTHORIZED,
                "unauthorized",
                "Sign-in required: " + reason
                        + ". Sign in again and send the token as 'Authorization: Bearer <token>'.");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        write(
                response,
                HttpStatus.FORBIDDEN,
                "forbidden",
                "Your role may not use " + request.getMethod() + " " + request.getRequestURI()
                        + ": it is for supervisors and admins. Ask an admin to change your role if you need it.");
    }

    /**
     * A request Spring Security's firewall refuses ({@code //x}, {@code /;x=y}, {@code /%2F}, {@code /..}): 400 in the
     * same JSON, before any endpoint runs.
     */
    void rejected(HttpServletResponse response) throws IOException {
        write(response, HttpStatus.BAD_REQUEST, "invalid_path", ApiErrors.REFUSED_ADDRESS);
    }

    private static void write(HttpServletResponse response, HttpStatus status, String error, String message)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", error);
        body.put("message", message);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        JSON.writeValue(response.getOutputStream(), body);
    }
}
