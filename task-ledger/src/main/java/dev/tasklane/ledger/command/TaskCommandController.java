package dev.tasklane.ledger.command;

import java.util.Map;
import java.util.UUID;

import dev.tasklane.auth.Caller;
import dev.tasklane.http.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The old system's write webhooks (dismiss one, dismiss all, retry) and the same for a whole incident. */
@RestController
// a caller that accepts no JSON gets a 406 when the request is matched, before the endpoint runs or writes
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
class TaskCommandController {

    private final TaskCommands commands;

    TaskCommandController(TaskCommands commands) {
        this.commands = commands;
    }

    /** {@code {"task_id": "<uuid>"}}. */
    record TaskIdRequest(String taskId) {

        UUID id() {
            if (taskId == null || taskId.isBlank()) {
                throw ApiException.badField("task_id", "is required: the id of the failed task");
            }
            try {
                return UUID.fromString(taskId.trim());
            } catch (IllegalArgumentException e) {
                throw ApiException.badField("task_id", "must be a task id (UUID)", taskId);
            }
        }
    }

    @PostMapping("/dismiss-task")
    Map<String, Object> dismiss(Authentication authentication, @RequestBody(required = false) TaskIdRequest request) {
        TaskCommands.Dismissal dismissal =
                commands.dismiss(Caller.of(authentication), requireBody(request).id());
        return Map.of("success", true, "task_id", dismissal.taskId(), "already_dismissed", !dismissal.dismissedNow());
    }

    @PostMapping("/dismiss-all-tasks")
    Map<String, Object> dismissAll(Authentication authentication) {
        return Map.of("success", true, "dismissed", commands.dismissAll(Caller.of(authentication)));
    }

    @PostMapping("/retry-task")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Object> retry(Authentication authentication, @RequestBody(required = false) TaskIdRequest request) {
        TaskCommands.Retry retry =
                commands.retry(Caller.of(authentication), requireBody(request).id());
        return Map.of(
                "success",
                true,
                "task_id",
                retry.taskId(),
                "task_type",
                retry.taskType(),
                "attempt",
                retry.attempt(),
                "message",
                "Retry requested: attempt " + retry.attempt() + " is queued.");
    }

    /** {@code {"incident_id": "<uuid>"}}. */
    record IncidentIdRequest(String incidentId) {

        UUID id() {
            if (incidentId == null || incidentId.isBlank()) {
                throw ApiException.badField("incident_id", "is required: the id of the incident (from GET /incidents)");
            }
            try {
                return UUID.fromString(incidentId.trim());
            } catch (IllegalArgumentException e) {
                throw ApiException.badField("incident_id", "must be an incident id (UUID)", incidentId);
            }
        }
    }

    @PostMapping("/dismiss-incident")
    Map<String, Object> dismissIncident(
            Authentication authentication, @RequestBody(required = false) IncidentIdRequest request) {
        TaskCommands.IncidentCommand done =
                commands.dismissIncident(Caller.of(authentication), requireIncident(request));
        return Map.of("success", true, "incident_id", done.incidentId(), "dismissed", done.done());
    }

    @PostMapping("/retry-incident")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Object> retryIncident(
            Authentication authentication, @RequestBody(required = false) IncidentIdRequest request) {
        TaskCommands.IncidentCommand done = commands.retryIncident(Caller.of(authentication), requireIncident(request));
        String message = done.done() == 0 && done.skipped() == 0
                ? "Nothing to retry: no task of this incident is still failed."
                : "Retry requested for " + done.done() + " task" + (done.done() == 1 ? "" : "s") + "; they run in the "
                        + "background and you hear of them again only if they fail."
                        + (done.skipped() == 0
                                ? ""
                                : " " + done.skipped() + " task" + (done.skipped() == 1 ? " is" : "s are")
                                        + " of a type no worker handles any more and can only be dismissed.");
        return Map.of(
                "success",
                true,
                "incident_id",
                done.incidentId(),
                "retried",
                done.done(),
                "skipped",
                done.skipped(),
                "message",
                message);
    }

    private static UUID requireIncident(IncidentIdRequest request) {
        if (request == null) {
            throw ApiException.badField("incident_id", "is required: send {\"incident_id\": \"<uuid>\"}");
        }
        return request.id();
    }

    private static TaskIdRequest requireBody(TaskIdRequest request) {
        if (request == null) {
            throw ApiException.badField("task_id", "is required: send {\"task_id\": \"<uuid>\"}");
        }
        return request;
    }
}
