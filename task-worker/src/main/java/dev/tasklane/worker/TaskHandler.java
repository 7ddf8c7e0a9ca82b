package dev.tasklane.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.tasklane.events.TaskRequested;

/**
 * The work of one task type. A worker declares one bean per task type it runs; task-worker starts a listener for each
 * ({@link TaskListeners}).
 */
public interface TaskHandler {

    /** The task type whose requests this handler runs: one registered in {@code TaskTypes}, one handler per type. */
    String taskType();

    /**
     * Does the work of {@code request} and returns the small summary published with {@code TaskCompleted}. The same
     * request may come again (at-least-once delivery): doing it again must leave the same end state.
     *
     * @throws TaskFailure      when the task cannot succeed (or its automatic retries are spent)
     * @throws WaitForRecovery  when it should wait and run again later
     */
    Map<String, Object> handle(TaskRequested request);

    /**
     * Does the work of the requests of one poll, in order, and says how each ended. The list of outcomes is as long as
     * {@code requests}, or ends with the first {@link TaskOutcome.Postponed}: the requests after it are not run now.
     * One request's failure never fails another. {@code started} is told of each request just before its work begins
     * (it publishes {@code TaskStarted}, without waiting). A handler that can share work between the requests (one
     * query for all of them, one write for all their rows) overrides this; by default each request is handled on its
     * own.
     */
    default List<TaskOutcome> handleAll(List<TaskRequested> requests, Consumer<TaskRequested> started) {
        List<TaskOutcome> outcomes = new ArrayList<>(requests.size());
        for (TaskRequested request : requests) {
            started.accept(request);
            TaskOutcome outcome = TaskOutcome.of(() -> handle(request));
            outcomes.add(outcome);
            if (outcome instanceof TaskOutcome.Postponed) {
                break;
            }
        }
        return outcomes;
    }
}
