package dev.tasklane.worker;

/**
 * The task cannot run now because what it needs is known to be down (an open circuit breaker): the record is kept,
 * retried after a pause, and the task neither fails nor uses up its retries. Tasks thus wait out an outage and resume
 * when it ends, instead of all failing at once.
 */
public class WaitForRecovery extends RuntimeException {

    public WaitForRecovery(String message, Throwable cause) {
        super(message, cause);
    }
}
