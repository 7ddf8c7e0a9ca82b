package dev.tasklane.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Why a task failed.
 *
 * @param message   for a person: what failed (API and operation), why (code and the API's message) and what to do
 * @param code      a stable machine-readable code, for example {@code REQUEST_DENIED} or {@code HTTP_401}
 * @param source    where the failure came from, for example {@code google_maps}, {@code quo} or {@code worker}
 * @param retryable whether requesting the task again can succeed without anyone changing anything
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskError(String message, String code, String source, boolean retryable) {

    /**
     * The code of a task a worker held back for an outage longer than {@code TASKLANE_WAIT_DEADLINE}: the person is
     * told, and the worker still holds the task and runs it (the same attempt) when the API answers again, so a later
     * completion of that attempt replaces this failure.
     */
    public static final String WAIT_DEADLINE = "WAIT_DEADLINE";

    public TaskError {
        Fields.requireText(message, "error.message", "TaskError");
        Fields.requireText(code, "error.code", "TaskError");
        Fields.requireText(source, "error.source", "TaskError");
    }
}
