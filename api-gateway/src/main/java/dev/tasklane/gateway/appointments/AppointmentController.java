package dev.tasklane.gateway.appointments;

import dev.tasklane.auth.Caller;
import dev.tasklane.gateway.idempotency.IdempotentRequests;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The old system's appointment webhook. */
@RestController
// a caller that accepts no JSON gets a 406 when the request is matched, before the endpoint runs or writes
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
class AppointmentController {

    private final AppointmentService appointments;
    private final IdempotentRequests idempotent;

    AppointmentController(AppointmentService appointments, IdempotentRequests idempotent) {
        this.appointments = appointments;
        this.idempotent = idempotent;
    }

    @PostMapping("/save-appointment")
    @Operation(
            summary = "Save an appointment and queue the update of its client's Quo contact",
            description = "Body: {appointment_id?, client_id, scheduled_at (RFC 3339), driver_id?, pickup_address?, "
                    + "dropoff_address?, status? (scheduled|completed|cancelled), notes?}.")
    ResponseEntity<AppointmentAnswer> save(
            Authentication authentication,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String key,
            @RequestBody(required = false) AppointmentRequest request) {
        AppointmentRequest body =
                request == null ? new AppointmentRequest(null, null, null, null, null, null, null, null) : request;
        Caller caller = Caller.of(authentication);
        return idempotent.runLocked(
                caller, key, "/save-appointment", body, AppointmentAnswer.class, () -> appointments.save(caller, body));
    }
}
