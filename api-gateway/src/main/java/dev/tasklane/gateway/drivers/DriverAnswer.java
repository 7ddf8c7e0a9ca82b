package dev.tasklane.gateway.drivers;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What {@code /add-driver} and {@code /update-driver} answer once the driver and their tasks are committed.
 *
 * @param changed the fields an update changed (none for a new driver)
 * @param taskIds the tasks queued with the change, by task type
 * @param message what happened, in words
 */
record DriverAnswer(
        boolean success,
        @JsonProperty("driver_id") UUID driverId,
        List<String> changed,
        @JsonProperty("task_ids") Map<String, UUID> taskIds,
        String message) {}
