package dev.tasklane.worker;

import dev.tasklane.events.TaskError;

/**
 * The end of a task that did not succeed, with what a person needs: what failed, why, and what to do. Thrown by a
 * {@link TaskHandler}; the runner publishes it as {@code TaskFailed}. Not for waiting out an outage: see
 * {@link WaitForRecovery}.
 */
public class TaskFailure extends RuntimeException {

    private final TaskError error;

    public TaskFailure(String message, String code, String source, boolean retryable) {
        super(message);
        this.error = new TaskError(message, code, source, retryable);
    }

    public TaskFailure(String message, String code, String source, boolean retryable, Throwable cause) {
        super(message, cause);
        this.error = new TaskError(message, code, source, retryable);
    }

    public TaskError error() {
        return error;
    }
}
