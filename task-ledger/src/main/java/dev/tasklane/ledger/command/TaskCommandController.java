package dev.tasklane.ledger.command;

import java.util.Map;
import java.util.UUID;

import dev.tasklane.auth.Caller;
import dev.tasklane.http.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The old system's write webhooks: dismiss one, dismiss all, retry. */
@RestController
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
            }
            catch (IllegalArgumentException e) {
                throw ApiException.badField("task_id", "must be a task id (UUID), was '" + taskId + "'");
            }
        }
    }

    @PostMapping("/dismiss-task")
    Map<String, Object> dismiss(Authentication authentication, @RequestBody(required = false) TaskIdRequest request) {
        TaskCommands.Dismissal dismissal = commands.dismiss(Caller.of(authentication), requireBody(request).id());
        return Map.of("success", true, "task_id", dismissal.taskId(), "already_dismissed", !dismissal.dismissedNow());
    }

    @PostMapping("/dismiss-all-tasks")
    Map<String, Object> dismissAll(Authentication authentication) {
        return Map.of("success", true, "dismissed", commands.dismissAll(Caller.of(authentication)));
    }

    @PostMapping("/retry-task")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Object> retry(Authentication authentication, @RequestBody(required = false) TaskIdRequest request) {
        TaskCommands.Retry retry = commands.retry(Caller.of(authentication), requireBody(request).id());
        return Map.of("success", true, "task_id", retry.taskId(), "task_type", retry.taskType(),
                "attempt", retry.attempt(), "message", "Retry requested: attempt " + retry.attempt() + " is queued.");
    }

    private static TaskIdRequest requireBody(TaskIdRequest request) {
        if (request == null) {
            throw ApiException.badField("task_id", "is required: send {\"task_id\": \"<uuid>\"}");
        }
        return request;
    }
}
