package dev.tasklane.ledger.query;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.auth.Caller;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.http.ApiException;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The old system's read webhooks: a user's failures, everyone's failures, their summary, an entity's tasks. */
@RestController
// a caller that accepts no JSON gets a 406 when the request is matched, before the endpoint runs or writes
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
class TaskQueryController {

    private final TaskQueries queries;

    TaskQueryController(TaskQueries queries) {
        this.queries = queries;
    }

    /**
     * A page of tasks and the {@code cursor} of the next page ({@code null} on the last page). {@code next_before}, the
     * last failure's time, is kept for callers that page with {@code before}: it skips the failures that share that
     * time with the last one, which {@code next_cursor} does not.
     */
    record TaskPage(boolean success, List<TaskView> tasks, int count, String nextCursor, OffsetDateTime nextBefore) {

        static TaskPage of(List<TaskView> tasks, Paging paging) {
            if (tasks.size() < paging.limit()) {
                return new TaskPage(true, tasks, tasks.size(), null, null);
            }
            TaskView last = tasks.get(tasks.size() - 1);
            return new TaskPage(
                    true,
                    tasks,
                    tasks.size(),
                    new Paging.Cursor(last.failedAt(), last.id()).toString(),
                    last.failedAt());
        }
    }

    record EntityTasks(boolean success, String entityType, UUID entityId, List<TaskView> tasks) {}

    @GetMapping("/get-failed-tasks")
    TaskPage ownFailures(
            Authentication authentication,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String before,
            @RequestParam(required = false) String cursor,
            @RequestParam(name = "incident_id", required = false) String incident) {
        Paging paging = Paging.parse(limit, before, cursor);
        return TaskPage.of(
                queries.ownFailures(
                        Caller.of(authentication), paging, incident == null ? null : uuid("incident_id", incident)),
                paging);
    }

    @GetMapping("/get-all-failed-tasks")
    TaskPage allFailures(
            Authentication authentication,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String before,
            @RequestParam(required = false) String cursor,
            @RequestParam(name = "task_type", required = false) String taskType,
            @RequestParam(name = "user", required = false) String user,
            @RequestParam(name = "incident_id", required = false) String incident) {
        Paging paging = Paging.parse(limit, before, cursor);
        if (taskType != null && !TaskTypes.isValid(taskType)) {
            throw ApiException.badField("task_type", "must be a task type such as calculate_drive_times", taskType);
        }
        return TaskPage.of(
                queries.failures(
                        Caller.of(authentication),
                        paging,
                        user == null ? null : uuid("user", user),
                        taskType,
                        incident == null ? null : uuid("incident_id", incident)),
                paging);
    }

    @GetMapping("/get-failed-tasks-summary")
    Map<String, Object> summary(Authentication authentication) {
        Map<String, Object> summary = new java.util.LinkedHashMap<>();
        summary.put("success", true);
        summary.putAll(queries.failureSummary(Caller.of(authentication)));
        return summary;
    }

    @GetMapping("/tasks")
    EntityTasks ofEntity(
            Authentication authentication,
            @RequestParam(name = "entity_type", required = false) String entityType,
            @RequestParam(name = "entity_id", required = false) String entityId) {
        if (entityType == null || entityType.isBlank()) {
            throw ApiException.badField("entity_type", "is required, for example entity_type=client");
        }
        if (entityId == null) {
            throw ApiException.badField("entity_id", "is required: the id of the client, driver or appointment");
        }
        UUID id = uuid("entity_id", entityId);
        return new EntityTasks(true, entityType, id, queries.ofEntity(Caller.of(authentication), entityType, id));
    }

    static UUID uuid(String field, String value) {
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(field, "must be an id (UUID)", value);
        }
    }
}
