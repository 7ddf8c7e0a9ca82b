package dev.tasklane.ledger.realtime;

import dev.tasklane.auth.Caller;
import dev.tasklane.http.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /task-events}: Server-Sent Events of the task changes the caller may see. With {@code until=ready} the
 * stream ends after what was missed since {@code Last-Event-ID} and its {@code ready} event: the gateway fetches a
 * resuming browser's missed changes that way and feeds it the live ones from a connection it shares.
 */
@RestController
class TaskEventsController {

    private final TaskEventStream stream;

    TaskEventsController(TaskEventStream stream) {
        this.stream = stream;
    }

    @GetMapping(path = "/task-events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(
            Authentication authentication,
            HttpServletResponse response,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
            @RequestParam(name = "last_event_id", required = false) String lastEventIdParameter,
            @RequestParam(name = "until", required = false) String until) {
        String lastEventId = lastEventIdHeader != null ? lastEventIdHeader : lastEventIdParameter;
        Long resumeAfter = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                resumeAfter = Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badField(
                        "Last-Event-ID", "must be the id of an event of this stream (a number)", lastEventId);
            }
        }
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        if (until != null && !until.equals("ready")) {
            throw ApiException.badField(
                    "until",
                    "may only be 'ready' (end the stream after the events missed since "
                            + "Last-Event-ID and the ready event)",
                    until);
        }
        return stream.subscribe(Caller.of(authentication), resumeAfter, until != null);
    }
}
