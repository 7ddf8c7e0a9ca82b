package dev.tasklane.gateway.appointments;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What {@code /save-appointment} answers once the appointment and its tasks are committed.
 *
 * @param taskIds the tasks queued with the change, by task type
 * @param message what happened, in words
 */
record AppointmentAnswer(
        boolean success,
        @JsonProperty("appointment_id") UUID appointmentId,
        @JsonProperty("task_ids") Map<String, UUID> taskIds,
        String message) {}
