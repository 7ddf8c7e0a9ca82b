package dev.tasklane.quo.task;

import dev.tasklane.events.TaskRequested;
import dev.tasklane.quo.contacts.CustomFieldCatalog;
import dev.tasklane.quo.contacts.QuoApiException;
import dev.tasklane.quo.system.QuoFailures;
import dev.tasklane.worker.TaskFailure;

/**
 * Every way a contact sync can fail, with what a person is told: what failed, why, and what to do, naming the client
 * or the appointment. What any Quo call can meet (the key, an outage, the shared rate budget) is {@link QuoFailures}'s.
 */
final class ContactFailures {

    private ContactFailures() {}

    /** "the appointment …": what a sync for an appointment is about, for its messages. */
    static String appointment(String entityName) {
        return "the appointment " + entityName;
    }

    /** "the Quo contact of Jane Doe": what a sync is about, for its messages. */
    static String contactOf(String client) {
        return "the Quo contact of " + client;
    }

    /** "syncing the Quo contact of Jane Doe": what the task was doing, for the common Quo messages. */
    static String doing(String subject) {
        return "syncing " + subject;
    }

    static TaskFailure unsupportedEntity(TaskRequested request) {
        return new TaskFailure(
                "Quo contacts are synced for a client or an appointment, but this task is "
                        + "about a " + request.entityType() + " (" + request.entityName()
                        + "). Dismiss it; if it keeps "
                        + "coming, report it: whatever queued it has a bug.",
                "UNSUPPORTED_ENTITY",
                "worker",
                false);
    }

    static TaskFailure appointmentNotFound(String entityName) {
        return new TaskFailure(
                "Cannot put the appointment " + entityName + " on its client's Quo contact: "
                        + "the appointment no longer exists (deleted after the task was queued). Dismiss this task.",
                "APPOINTMENT_NOT_FOUND",
                "worker",
                false);
    }

    static TaskFailure clientNotFound(String entityName) {
        return new TaskFailure(
                "Cannot sync the Quo contact of " + entityName + ": the client no longer exists "
                        + "(deleted after the task was queued). Dismiss this task.",
                "CLIENT_NOT_FOUND",
                "worker",
                false);
    }

    static TaskFailure customFieldMissing(
            CustomFieldCatalog.MisconfiguredFieldException e, QuoFailures failures, String subject) {
        return failures.failure(
                "Cannot put " + subject + " on the client's Quo contact: " + e.getMessage() + " Create the "
                        + "field in Quo (Settings → Contacts → custom properties) or point the setting at an existing "
                        + "field (an empty value leaves it out), restart quo-sync-worker, then retry the task.",
                "CUSTOM_FIELD_MISSING",
                false);
    }

    /** Whether Quo rejected the contact's custom fields: the workspace's fields changed since they were checked. */
    static boolean aboutCustomFields(QuoApiException e) {
        return e.status() == 400 && e.problems().stream().anyMatch(problem -> problem.startsWith("/customFields"));
    }

    /** The answer to the errors only a contact sync gets; null leaves the others to {@link QuoFailures}. */
    static TaskFailure quoAnswer(QuoApiException e, QuoFailures failures, String subject) {
        String said = e.getMessage();
        if (aboutCustomFields(e)) {
            return failures.failure(
                    "Quo rejected the appointment fields of " + subject + ": " + said + ". The workspace's "
                            + "contact custom fields changed since Tasklane last looked. Retry the task: it checks the fields "
                            + "again and says which setting to correct.",
                    "CUSTOM_FIELD_MISSING",
                    true);
        }
        return switch (e.status()) {
            case 400 ->
                failures.failure(
                        "Quo rejected " + subject + " as invalid: " + said + ". Correct the client's details "
                                + "in Tasklane (phone in E.164 such as +15551234567, a valid email) and save the client; saving "
                                + "syncs the contact again.",
                        "INVALID_REQUEST",
                        false);
            case 404 ->
                failures.failure(
                        "Quo has no such contact (" + said + ") while syncing " + subject + ": it was deleted "
                                + "in Quo during the sync. Retry the task: it finds or creates the contact again.",
                        "NOT_FOUND",
                        true);
            case 409 ->
                failures.failure(
                        "Quo refused to create " + subject + " as a conflict (" + said + "). Retry the task; "
                                + "if it keeps failing, look in Quo for a contact with this client's details and remove its "
                                + "external id or the duplicate.",
                        "CONFLICT",
                        true);
            default -> null;
        };
    }
}
