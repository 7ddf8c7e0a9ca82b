package dev.tasklane.gateway.tasktypes;

import java.time.Duration;
import java.util.List;

import dev.tasklane.events.TaskType;
import dev.tasklane.events.TaskTypes;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The task types of {@link TaskTypes} in business words, for the browser scripts ({@code api-client.js}): the words
 * are not a secret, so anyone may read them, signed in or not.
 */
@RestController
class TaskTypeController {

    /** One task type as the browser needs it: {@code done} is ["1 …", "12 …"]'s words, one and many. */
    record TaskTypeResponse(String taskType, String label, List<String> done, List<String> entityTypes) {
        static TaskTypeResponse of(TaskType type) {
            return new TaskTypeResponse(
                    type.name(), type.label(), List.of(type.doneOne(), type.doneMany()), type.entityTypes());
        }
    }

    record TaskTypesResponse(List<TaskTypeResponse> taskTypes) {}

    private static final TaskTypesResponse ALL = new TaskTypesResponse(
            TaskTypes.ALL.stream().map(TaskTypeResponse::of).toList());

    @GetMapping(path = "/task-types", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "The task types in business words",
            description = "{task_types: [{task_type, label, done: [one, many], entity_types}]}: what the browser "
                    + "scripts call each task type (\"Drive times\") and what finished ones achieved (\"12 drive "
                    + "times computed\"). No token needed.")
    ResponseEntity<TaskTypesResponse> taskTypes() {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
                .body(ALL);
    }
}
