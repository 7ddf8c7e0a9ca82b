package dev.tasklane.ledger.incident;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * An incident as a caller sees it: its cause in business words and what to do, and — of the tasks the caller may see
 * — how many are still failed, who asked for them and which records they are about. A user's view counts only their
 * own tasks (their first and last seen too); supervisors and admins see everyone's.
 */
public record IncidentView(
        UUID id,
        String taskType,
        String source,
        String errorCode,
        String title,
        String advice,
        String state,
        OffsetDateTime firstSeen,
        OffsetDateTime lastSeen,
        OffsetDateTime resolvedAt,
        OffsetDateTime regressedAt,
        int openTasks,
        int totalTasks,
        boolean retryable,
        List<Person> people,
        List<Record> records) {

    /** Someone whose tasks the incident holds. */
    public record Person(UUID userId, String name, int openTasks) {}

    /** A task still failed in the incident, named in business words. */
    public record Record(
            UUID taskId,
            String summary,
            String entityType,
            String entityName,
            String createdByName,
            OffsetDateTime failedAt) {}

    /** Tasks held back for one API: "Waiting for Google Maps since 10:02 UTC — 12 tasks; …". */
    public record Waiting(
            String taskType,
            String waitingFor,
            String waitingForName,
            OffsetDateTime since,
            int tasks,
            String message) {}
}
