package dev.tasklane.worker;

import java.util.Map;

import dev.tasklane.events.TaskRequested;

/** The work of one task type. */
public interface TaskHandler {

    /** The task type whose requests this handler runs. */
    String taskType();

    /**
     * Does the work of {@code request} and returns the small summary published with {@code TaskCompleted}. The same
     * request may come again (at-least-once delivery): doing it again must leave the same end state.
     *
     * @throws TaskFailure      when the task cannot succeed (or its automatic retries are spent)
     * @throws WaitForRecovery  when it should wait and run again later
     */
    Map<String, Object> handle(TaskRequested request);
}
