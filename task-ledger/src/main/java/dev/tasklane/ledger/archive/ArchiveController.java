package dev.tasklane.ledger.archive;

import java.util.Map;

import dev.tasklane.http.ApiException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /admin/archive}: an admin runs the archive now instead of waiting for the night. */
@RestController
// a caller that accepts no JSON gets a 406 when the request is matched, before the endpoint runs or writes
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
class ArchiveController {

    private final ArchiveJob job;

    ArchiveController(ArchiveJob job) {
        this.job = job;
    }

    @PostMapping("/admin/archive")
    Map<String, Object> archiveNow() {
        ArchiveJob.Outcome outcome = job.run();
        if (!outcome.ran()) {
            throw ApiException.conflict(
                    "The archive is running on another ledger instance right now; " + "try again in a few minutes.");
        }
        return Map.of("success", true, "archived", outcome.archived());
    }
}
