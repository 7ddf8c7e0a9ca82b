package dev.tasklane.gateway.drivers;

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

/** The old system's driver webhooks. */
@RestController
// a caller that accepts no JSON gets a 406 when the request is matched, before the endpoint runs or writes
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
class DriverController {

    private final DriverService drivers;
    private final IdempotentRequests idempotent;

    DriverController(DriverService drivers, IdempotentRequests idempotent) {
        this.drivers = drivers;
        this.idempotent = idempotent;
    }

    @PostMapping("/add-driver")
    @Operation(
            summary = "Save a new driver and queue drive times from their home to every active client",
            description = "Body: {name, phone?, home_address}. Answers {success, driver_id, task_ids, message}.")
    ResponseEntity<DriverAnswer> add(
            Authentication authentication,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String key,
            @RequestBody(required = false) DriverRequest request) {
        DriverRequest body = request == null ? new DriverRequest(null, null, null, null, null) : request;
        Caller caller = Caller.of(authentication);
        return idempotent.run(caller, key, "/add-driver", body, DriverAnswer.class, () -> drivers.add(caller, body));
    }

    @PostMapping("/update-driver")
    @Operation(
            summary = "Change a driver; a new home address queues drive times, deactivating stops their use",
            description = "Body: {driver_id, and any of name, phone, home_address, active}.")
    ResponseEntity<DriverAnswer> update(
            Authentication authentication,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String key,
            @RequestBody(required = false) DriverRequest request) {
        DriverRequest body = request == null ? new DriverRequest(null, null, null, null, null) : request;
        Caller caller = Caller.of(authentication);
        return idempotent.runLocked(
                caller, key, "/update-driver", body, DriverAnswer.class, () -> drivers.update(caller, body));
    }
}
