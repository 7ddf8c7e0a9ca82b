package dev.tasklane.quo.texts;

import java.util.Locale;

import dev.tasklane.quo.contacts.QuoApiException;
import dev.tasklane.quo.system.QuoFailures;
import dev.tasklane.worker.TaskFailure;
import dev.tasklane.worker.WaitForRecovery;

/**
 * Every way an appointment text can fail, with what a person is told: what failed, why, and what to do, naming the
 * client, the number and the appointment. What any Quo call can meet (the key, an outage, the shared rate budget) is
 * {@link QuoFailures}'s.
 */
final class TextFailures {

    private TextFailures() {}

    /** "texting Jane Doe about their appointment on …": what the task was doing, for the common Quo messages. */
    static String doing(String client, String when) {
        return "texting " + client + " about their appointment on " + when;
    }

    static TaskFailure appointmentNotFound(String entityName) {
        return new TaskFailure(
                "Cannot text the client of the appointment " + entityName + ": the appointment no longer exists "
                        + "(deleted after the task was queued). Dismiss this task.",
                "APPOINTMENT_NOT_FOUND",
                "worker",
                false);
    }

    static TaskFailure noRevision(String entityName) {
        return new TaskFailure(
                "Cannot text the client of the appointment " + entityName + ": the task does not say which change of "
                        + "the appointment it announces (no revision in its payload). Dismiss it, and save the "
                        + "appointment again to queue a text; if it keeps coming, report it: whatever queued it has a "
                        + "bug.",
                "INVALID_TASK",
                "worker",
                false);
    }

    static TaskFailure unknownRevision(String entityName, int revision, int current) {
        return new TaskFailure(
                "Cannot text the client of the appointment " + entityName + ": the task announces change " + revision
                        + " of the appointment, but the database knows only " + current + " changes (was it restored "
                        + "from a backup?). Check the appointment, save it again to queue a text, and dismiss this "
                        + "task.",
                "UNKNOWN_REVISION",
                "worker",
                false);
    }

    static TaskFailure noPhone(String client, String when) {
        return new TaskFailure(
                "Cannot text " + client + " about their appointment on " + when + ": the client has no phone number "
                        + "in Tasklane. Add the client's mobile number, then retry the task.",
                "NO_PHONE",
                "worker",
                false);
    }

    static TaskFailure notConfigured(String client) {
        return new TaskFailure(
                "Cannot text " + client + ": no number to send texts from is set. Set TASKLANE_QUO_FROM_NUMBER to one "
                        + "of the Quo workspace's numbers (its PN… id or the number in E.164, under Settings → Phone "
                        + "numbers in Quo), restart quo-sync-worker, then retry the task.",
                "TEXT_NOT_CONFIGURED",
                "worker",
                false);
    }

    static TaskFailure badText(String client, String kind, int length, String setting) {
        return new TaskFailure(
                "Cannot text " + client + ": the " + kind + " text made from the template would be "
                        + (length == 0
                                ? "empty"
                                : String.format(Locale.US, "%,d characters, more than Quo's %,d", length, 1600))
                        + ". Change the template (" + setting + "), restart quo-sync-worker, then retry the task.",
                "TEXT_TEMPLATE",
                "worker",
                false);
    }

    /** The sending number is not the workspace's, found when looking up its id to list the texts Quo sent. */
    static TaskFailure fromNumberUnknown(QuoFailures failures, String from) {
        return failures.failure(
                "Quo has no phone number " + from + " in this workspace, so Tasklane "
                        + "cannot check whether a text went out. Set TASKLANE_QUO_FROM_NUMBER to one of the "
                        + "workspace's numbers (its PN… id or the number in E.164), restart "
                        + "quo-sync-worker, then retry the task.",
                "FROM_NUMBER_UNKNOWN",
                false);
    }

    /**
     * The answer to the errors only a text gets (an unusable number, a recipient who opted out, the sending number);
     * a 429 waits; null leaves the rest to {@link QuoFailures}.
     */
    static RuntimeException quoAnswer(
            QuoApiException e, QuoFailures failures, String client, String number, String when, String from) {
        String said = e.getMessage();
        String what = e.apiMessage() == null ? "" : e.apiMessage().toLowerCase(Locale.ROOT);
        String at = "Quo could not text " + client + " at " + PhoneNumbers.readable(number) + ": ";
        return switch (e.status()) {
            case 400 -> {
                if (what.contains("landline")) {
                    yield failures.failure(
                            at + "the number is a landline (" + said + "). Check the client's mobile number, then "
                                    + "retry.",
                            "LANDLINE",
                            false);
                }
                if (what.contains("opted out") || what.contains("opted-out") || what.contains("unsubscribed")) {
                    yield failures.failure(
                            at + "they have opted out of texts from you (" + said + "); call them instead about their "
                                    + "appointment on " + when + ".",
                            "OPTED_OUT",
                            false);
                }
                if (what.contains("phone number") || e.problems().stream().anyMatch(p -> p.startsWith("/to"))) {
                    yield failures.failure(
                            at + "Quo says the number cannot receive texts (" + said + "). Check the client's mobile "
                                    + "number, then retry.",
                            "INVALID_NUMBER",
                            false);
                }
                yield failures.failure(
                        at + "Quo refused the text (" + said + "). Retry the task; if it keeps failing, report it "
                                + "with this message: Tasklane may be using the API wrongly.",
                        "INVALID_REQUEST",
                        false);
            }
            case 402 ->
                failures.failure(
                        at + "the Quo workspace has not enough prepaid credits to send texts (" + said + "). Add "
                                + "credits in Quo's billing settings, then retry the task.",
                        "NO_CREDITS",
                        false);
            case 403 ->
                failures.failure(
                        at + "Quo refused to send from " + from + " (" + said + "): the key's user may not text from "
                                + "that number. Give the key's user the number in Quo or set TASKLANE_QUO_FROM_NUMBER to "
                                + "one of theirs, restart quo-sync-worker, then retry the task.",
                        "FORBIDDEN",
                        false);
            case 404 ->
                failures.failure(
                        at + "Quo has no phone number " + from + " in this workspace (" + said + "). Set "
                                + "TASKLANE_QUO_FROM_NUMBER to one of the workspace's numbers (its PN… id or the number "
                                + "in E.164), restart quo-sync-worker, then retry the task.",
                        "FROM_NUMBER_UNKNOWN",
                        false);
            case 429 ->
                new WaitForRecovery(
                        QuoFailures.SOURCE,
                        QuoFailures.SERVICE,
                        "Quo's rate limit, which contact syncs and texts share, was reached, so texting " + client
                                + " waits and is sent by itself shortly.",
                        "check whether something besides Tasklane uses the Quo key, and that "
                                + "TASKLANE_QUO_QUOTA_PER_SECOND is no more than the key allows",
                        e);
            default -> null;
        };
    }
}
