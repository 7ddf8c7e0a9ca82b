package dev.tasklane.worker;

import java.util.Map;
import java.util.function.Supplier;

/**
 * How one request of a batch ended in its handler: completed with a summary, failed for a person to act on, or
 * postponed (an outage, the database unreachable) to run again later. A batch's outcomes end at the first postponed
 * request: the runner commits what came before it and the request and those after it are delivered again.
 */
public sealed interface TaskOutcome {

    /** The task succeeded; {@code result} is published with {@code TaskCompleted}. */
    record Completed(Map<String, Object> result) implements TaskOutcome {}

    /** The task cannot succeed (or its automatic retries are spent); published as {@code TaskFailed}. */
    record Failed(TaskFailure failure) implements TaskOutcome {}

    /**
     * The task cannot run now: {@link WaitForRecovery} waits out an outage without end, anything else is retried with
     * backoff. Neither completes nor fails the task.
     */
    record Postponed(RuntimeException cause) implements TaskOutcome {}

    /** Runs {@code work} and says how it ended. */
    static TaskOutcome of(Supplier<Map<String, Object>> work) {
        try {
            return new Completed(work.get());
        } catch (TaskFailure failure) {
            return new Failed(failure);
        } catch (RuntimeException pending) {
            return new Postponed(pending);
        }
    }
}
