package dev.tasklane.drivetime.task;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Locale;

import com.google.maps.errors.ApiException;
import com.google.maps.errors.InvalidRequestException;
import com.google.maps.errors.OverQueryLimitException;
import com.google.maps.errors.RequestDeniedException;
import dev.tasklane.drivetime.system.DriveTimeProperties;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.worker.RateBudget;
import dev.tasklane.worker.TaskFailure;
import dev.tasklane.worker.WaitForRecovery;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;

/**
 * Every message the drive-time worker gives a person, in one place: what failed, why, and what to do, naming the client
 * or driver. Google's answers become a {@link TaskFailure} (retryable or not) or, while Google is not answering or the
 * shared rate limit is used up, a {@link WaitForRecovery}; the API key is redacted from every message.
 */
final class DriveTimeFailures {

    static final String SOURCE = "google_maps";
    private static final String API = "Google Maps Distance Matrix API";
    private static final String SERVICE = "Google Maps";

    private final DriveTimeProperties properties;
    private final int attempts;

    /** {@code attempts}: how many times a call is tried before its failure is final. */
    DriveTimeFailures(DriveTimeProperties properties, int attempts) {
        this.properties = properties;
        this.attempts = attempts;
    }

    static TaskFailure unsupportedEntity(TaskRequested request) {
        return new TaskFailure(
                "Drive times are computed for a client or a driver, but this task is about a " + request.entityType()
                        + " (" + request.entityName() + "). Dismiss it; if it keeps coming, report it: whatever queued "
                        + "it has a bug.",
                "UNSUPPORTED_ENTITY",
                "worker",
                false);
    }

    static TaskFailure clientGone(TaskRequested request) {
        return new TaskFailure(
                "Cannot compute drive times for " + request.entityName() + ": the client no longer exists (it was "
                        + "deleted after the task was queued). Dismiss this task.",
                "CLIENT_NOT_FOUND",
                "worker",
                false);
    }

    static TaskFailure noAddress(DriveTimeRows.Place client) {
        return new TaskFailure(
                "Cannot compute drive times for " + client.name() + ": the client has no address. Fix the client's "
                        + "address; saving it computes the drive times again.",
                "NO_ADDRESS",
                "worker",
                false);
    }

    static TaskFailure driverGone(TaskRequested request) {
        return new TaskFailure(
                "Cannot compute drive times for " + request.entityName() + ": the driver no longer exists (deleted "
                        + "after the task was queued). Dismiss this task.",
                "DRIVER_NOT_FOUND",
                "worker",
                false);
    }

    /**
     * What Google's answer (or its silence) means for the task computing drive times for {@code subject} ("the client
     * Jane Doe"): to throw.
     */
    RuntimeException fromGoogle(Exception e, String subject) {
        if (e instanceof CallNotPermittedException) {
            return new WaitForRecovery(
                    SOURCE,
                    SERVICE,
                    SERVICE + " is not answering, so Tasklane paused calls to it; the drive times for " + subject
                            + " are computed by themselves when it answers again.",
                    "check Google Maps' status page (status.cloud.google.com) and the API key's quota and billing in "
                            + "Google Cloud console",
                    e);
        }
        if (e instanceof RateBudget.UsedUp) {
            return new WaitForRecovery(
                    SOURCE,
                    SERVICE,
                    "The Google Maps rate limit, shared by every drive-time worker, is used up for the moment, so the "
                            + "drive times for " + subject + " wait their turn and are computed by themselves shortly.",
                    "check whether a flood of drive-time tasks is queued, and whether the key's quota in Google Cloud "
                            + "console allows raising GOOGLE_MAPS_QUOTA_PER_SECOND (the key's whole quota, shared by "
                            + "every instance)",
                    e);
        }
        if (e instanceof RequestDeniedException) {
            return failure(
                    API + " refused the request (REQUEST_DENIED: " + e.getMessage() + ") while computing drive times "
                            + "for " + subject + ". Check that the Distance Matrix API is enabled for this key in "
                            + "Google Cloud console and that GOOGLE_MAPS_API_KEY holds the right key, then retry the "
                            + "task.",
                    "REQUEST_DENIED",
                    false);
        }
        if (e instanceof InvalidRequestException) {
            return failure(
                    API + " rejected the request as invalid (INVALID_REQUEST: " + e.getMessage() + ") while computing "
                            + "drive times for " + subject + ". Fix the address (it must be a street address Google "
                            + "can read) and save it again; that computes the drive times anew.",
                    "INVALID_REQUEST",
                    false);
        }
        if (e instanceof OverQueryLimitException) {
            return failure(
                    API + " returned OVER_QUERY_LIMIT (" + e.getMessage() + ") while computing drive times for "
                            + subject + ". Tasklane retried automatically " + attempts + " times with growing pauses "
                            + "and gave up. Retry the task in a few minutes; if this keeps happening, raise the key's "
                            + "quota in Google Cloud console or, if something else uses the key too, lower "
                            + "GOOGLE_MAPS_QUOTA_PER_SECOND.",
                    "OVER_QUERY_LIMIT",
                    true);
        }
        if (e instanceof ApiException) {
            String status =
                    e.getClass().getSimpleName().replace("Exception", "").toUpperCase(Locale.ROOT);
            return failure(
                    API + " answered " + status + " (" + e.getMessage() + ") while computing drive times for " + subject
                            + ". Tasklane retried automatically " + attempts + " times. Retry the task later; if it "
                            + "keeps failing, check the key's quota and billing in Google Cloud console.",
                    status,
                    true);
        }
        if (e instanceof SocketTimeoutException) {
            return failure(
                    API + " did not answer within " + properties.readTimeout().toSeconds() + " s while computing drive "
                            + "times for " + subject + "; Tasklane retried automatically " + attempts + " times. "
                            + "Retry the task later; if it keeps happening, check the worker's network connection to "
                            + "Google.",
                    "TIMEOUT",
                    true);
        }
        if (e instanceof IOException) {
            String code = e.getMessage() != null && e.getMessage().startsWith("Server Error: ")
                    ? "HTTP_"
                            + e.getMessage()
                                    .substring("Server Error: ".length())
                                    .split(" ")[0]
                    : "NETWORK";
            return failure(
                    API + " could not be reached or failed (" + e.getMessage() + ") while computing drive times for "
                            + subject + "; Tasklane retried automatically " + attempts + " times. Retry the task "
                            + "later; if it keeps failing, check Google's status page and the worker's network.",
                    code,
                    true);
        }
        if (e instanceof RuntimeException unexpected) {
            return unexpected;
        }
        return new IllegalStateException(properties.redact(e.getMessage()), e);
    }

    private TaskFailure failure(String message, String code, boolean retryable) {
        return new TaskFailure(properties.redact(message), code, SOURCE, retryable);
    }
}
