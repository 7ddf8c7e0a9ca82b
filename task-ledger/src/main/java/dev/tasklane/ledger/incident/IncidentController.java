package dev.tasklane.ledger.incident;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tasklane.auth.Caller;
import dev.tasklane.http.ApiException;
import dev.tasklane.ledger.query.Paging;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /incidents}: the failure inbox by cause, and what waits for an outage. */
@RestController
// a caller that accepts no JSON gets a 406 when the request is matched, before the endpoint runs or writes
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
class IncidentController {

    private final IncidentQueries queries;

    IncidentController(IncidentQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/incidents")
    Map<String, Object> incidents(
            Authentication authentication,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String limit) {
        boolean includeResolved;
        if (state == null || state.isBlank() || state.trim().equals("open")) {
            includeResolved = false;
        } else if (state.trim().equals("all")) {
            includeResolved = true;
        } else {
            throw ApiException.badField(
                    "state", "must be open (open and regressed incidents, the default) or all", state);
        }
        int parsedLimit = Paging.limit(limit);
        Caller caller = Caller.of(authentication);
        List<IncidentView> incidents = queries.incidents(caller, includeResolved, parsedLimit);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        answer.put("count", incidents.size());
        answer.put("incidents", incidents);
        answer.put("waiting", queries.waiting(caller));
        return answer;
    }
}
