package dev.tasklane.gateway.clients;

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

/** The old system's client webhooks; they answer as soon as the client and its tasks are committed. */
@RestController
// a caller that accepts no JSON gets a 406 when the request is matched, before the endpoint runs or writes
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
class ClientController {

    private final ClientService clients;
    private final IdempotentRequests idempotent;

    ClientController(ClientService clients, IdempotentRequests idempotent) {
        this.clients = clients;
        this.idempotent = idempotent;
    }

    @PostMapping("/add-client")
    @Operation(
            summary = "Save a new client and queue its drive times and Quo sync",
            description =
                    "Body: {name, phone?, email?, address, notes?}. Answers {success, client_id, task_ids: "
                            + "{calculate_drive_times, sync_quo}, message} as soon as they are saved. 400 names every field at fault.")
    ResponseEntity<ClientAnswer> add(
            Authentication authentication,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String key,
            @RequestBody(required = false) ClientRequest request) {
        ClientRequest body = request == null ? new ClientRequest(null, null, null, null, null, null, null) : request;
        Caller caller = Caller.of(authentication);
        return idempotent.run(caller, key, "/add-client", body, ClientAnswer.class, () -> clients.add(caller, body));
    }

    @PostMapping("/update-client")
    @Operation(
            summary = "Change a client and queue only what the change needs",
            description = "Body: {client_id, and any of name, phone, email, address, notes, active}. A new address "
                    + "queues drive times; a new name, phone or email queues the Quo sync; no change queues nothing.")
    ResponseEntity<ClientAnswer> update(
            Authentication authentication,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String key,
            @RequestBody(required = false) ClientRequest request) {
        ClientRequest body = request == null ? new ClientRequest(null, null, null, null, null, null, null) : request;
        Caller caller = Caller.of(authentication);
        return idempotent.runLocked(
                caller, key, "/update-client", body, ClientAnswer.class, () -> clients.update(caller, body));
    }
}
