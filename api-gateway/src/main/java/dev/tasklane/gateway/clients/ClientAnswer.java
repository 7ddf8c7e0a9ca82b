package dev.tasklane.gateway.clients;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What {@code /add-client} and {@code /update-client} answer once the client and its tasks are committed. The
 * names are spelled out for the API document, which does not apply the application's snake_case naming.
 *
 * @param changed the fields an update changed ({@code null} for a new client)
 * @param taskIds the tasks queued with the change, by task type
 * @param message what happened, in words
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ClientAnswer(
        boolean success,
        @JsonProperty("client_id") UUID clientId,
        List<String> changed,
        @JsonProperty("task_ids") Map<String, UUID> taskIds,
        String message) {}
