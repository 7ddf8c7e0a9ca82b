package dev.tasklane.gateway.streams;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import dev.tasklane.auth.Caller;
import dev.tasklane.http.ApiErrors;
import dev.tasklane.http.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /task-events}: the ledger's Server-Sent Events of the caller's task changes, served by {@link TaskStreams}
 * without holding a thread. Errors before the stream opens (a bad {@code Last-Event-ID}, too many streams) are JSON
 * whatever the request accepts: a browser's EventSource asks for {@code text/event-stream} only.
 */
@RestController
class TaskStreamController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TaskStreams streams;

    TaskStreamController(TaskStreams streams) {
        this.streams = streams;
    }

    @GetMapping("/task-events")
    void events(
            Authentication authentication,
            HttpServletRequest request,
            HttpServletResponse response,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
            @RequestParam(name = "last_event_id", required = false) String lastEventIdParameter)
            throws IOException {
        try {
            String lastEventId = lastEventId(lastEventIdHeader != null ? lastEventIdHeader : lastEventIdParameter);
            response.setStatus(200);
            response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Accel-Buffering", "no");
            streams.open(
                    request,
                    Caller.of(authentication),
                    ((JwtAuthenticationToken) authentication).getToken().getTokenValue(),
                    lastEventId);
        } catch (ApiException refused) {
            response.reset();
            response.setStatus(refused.status().value());
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getOutputStream()
                    .write(JSON.writeValueAsBytes(
                            ApiErrors.body(refused.status(), refused.error(), refused.getMessage(), refused.fields())
                                    .getBody()));
        }
    }

    /** The id of the last event a reconnecting browser saw: a change_seq, so a number. */
    private static String lastEventId(String given) {
        if (given == null || given.isBlank()) {
            return null;
        }
        String id = given.strip();
        if (!id.chars().allMatch(Character::isDigit) || id.length() > 18) {
            throw ApiException.badField(
                    "Last-Event-ID",
                    "must be the id of an event of this stream (a number); " + "reload the page to start a new stream");
        }
        return id;
    }
}
