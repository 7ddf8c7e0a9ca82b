package dev.tasklane.quo.system;

import java.util.function.Function;
import java.util.function.Supplier;

import dev.tasklane.quo.contacts.QuoApiException;
import dev.tasklane.quo.contacts.QuoClient;
import dev.tasklane.worker.RateBudget;
import dev.tasklane.worker.TaskFailure;
import dev.tasklane.worker.WaitForRecovery;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.retry.RetryRegistry;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;

/**
 * What a person is told when a Quo call goes wrong in any task of this worker (a contact sync, a text): an open circuit
 * or a used-up rate budget becomes a wait, a timeout, an unreachable API, a rejected key, a rate limit, a server error
 * becomes a failure that says what failed, why and what to do. Each task names what it was doing ("syncing the Quo
 * contact of Jane Doe", "texting Jane Doe") and answers Quo's errors that only it understands first. The key never
 * appears in a message.
 */
@Component
public class QuoFailures {

    public static final String SOURCE = "quo";
    public static final String SERVICE = "Quo";

    private final QuoProperties properties;
    private final int attempts;

    QuoFailures(QuoProperties properties, RetryRegistry retries) {
        this.properties = properties;
        this.attempts = retries.retry(QuoClient.RESILIENCE).getRetryConfig().getMaxAttempts();
    }

    /** How many times a call is tried before it fails. */
    public int attempts() {
        return attempts;
    }

    /**
     * Runs Quo calls for a task that is {@code doing} something ("syncing the Quo contact of Jane Doe"), turning what
     * can go wrong into a wait or a failure a person can act on; {@code specific} answers the errors only this task
     * understands, or returns null to leave them to the common answers.
     */
    public <T> T run(Supplier<T> calls, String doing, Function<QuoApiException, RuntimeException> specific) {
        try {
            return calls.get();
        } catch (CallNotPermittedException open) {
            throw new WaitForRecovery(
                    SOURCE,
                    SERVICE,
                    SERVICE + " is not answering, so Tasklane paused calls to it; " + doing
                            + " resumes by itself when it answers again.",
                    "check Quo's status page and the worker's network connection to Quo (TASKLANE_QUO_BASE_URL)",
                    open);
        } catch (RateBudget.UsedUp busy) {
            throw new WaitForRecovery(
                    SOURCE,
                    SERVICE,
                    "The Quo rate limit, shared by every Quo worker, is used up for the moment, so " + doing
                            + " waits its turn and runs by itself shortly.",
                    "check whether a flood of Quo tasks (contact syncs, texts) is queued, and that "
                            + "TASKLANE_QUO_QUOTA_PER_SECOND is the key's whole quota (Quo allows 10 requests per second "
                            + "per key), not a share of it",
                    busy);
        } catch (QuoApiException e) {
            RuntimeException answer = specific.apply(e);
            throw answer != null ? answer : failure(e, doing);
        } catch (ResourceAccessException e) {
            if (QuoClient.isTimeout(e)) {
                throw failure(
                        "The Quo API did not answer within "
                                + properties.readTimeout().toSeconds() + " s while "
                                + doing + "; Tasklane tried " + attempts + " times with growing pauses. Retry the "
                                + "task later; if it keeps happening, check Quo's status page and the worker's network.",
                        "TIMEOUT",
                        true);
            }
            Throwable cause = e.getMostSpecificCause();
            throw failure(
                    "The Quo API at " + properties.baseUrl() + " could not be reached ("
                            + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ") while " + doing
                            + "; Tasklane tried " + attempts + " times. Retry the task later; if it keeps failing, "
                            + "check the worker's network and TASKLANE_QUO_BASE_URL.",
                    "NETWORK",
                    true);
        }
    }

    /** The common answer to an error Quo gave while {@code doing}: the key, access, the rate limit, a server error. */
    private TaskFailure failure(QuoApiException e, String doing) {
        String said = e.getMessage();
        return switch (e.status()) {
            case 401 ->
                failure(
                        "The Quo API key was rejected (" + said + ") while " + doing + ": create a new key in Quo "
                                + "settings → API, set QUO_API_KEY and restart quo-sync-worker, then retry the task.",
                        "UNAUTHORIZED",
                        false);
            case 403 ->
                failure(
                        "Quo refused access (" + said + ") while " + doing + ": the key works but may not do this. "
                                + "Check in Quo settings → API that the key belongs to the workspace whose contacts "
                                + "Tasklane syncs and that its plan includes API access, then retry the task.",
                        "FORBIDDEN",
                        false);
            case 429 ->
                failure(
                        "Quo kept answering 429 Too Many Requests (" + said + ") while " + doing + "; Tasklane tried "
                                + attempts + " times with growing pauses. Retry the task in a few minutes; if it keeps "
                                + "happening, something else shares the key's 10 requests per second: give Tasklane a "
                                + "key of its own or lower TASKLANE_QUO_QUOTA_PER_SECOND.",
                        "RATE_LIMITED",
                        true);
            default ->
                e.isTransient()
                        ? failure(
                                "The Quo API failed (" + said + ") while " + doing + "; Tasklane tried " + attempts
                                        + " times with growing pauses. Retry the task later; if it keeps failing, "
                                        + "check Quo's status page.",
                                "SERVER_ERROR",
                                true)
                        : failure(
                                "Quo refused a call (" + said + ") while " + doing + ". Retry the task; if it keeps "
                                        + "failing, report it with this message: Tasklane may be using the API wrongly.",
                                "HTTP_" + e.status(),
                                false);
        };
    }

    /** A failure from Quo's side, with the key (should it appear) taken out. */
    public TaskFailure failure(String message, String code, boolean retryable) {
        return new TaskFailure(properties.redact(message), code, SOURCE, retryable);
    }
}
